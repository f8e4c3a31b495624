using GridGov.Contracts.Common;
using GridGov.Contracts.ServicePoints;
using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using GridGov.Grains.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.ServicePoints;

/// <summary>
/// Computes a community's service circle. Households carry no coordinates, so each stands at the centroid of its
/// micro-grid (or, without one, of its grid); households of one place share the answer, so the distances are measured
/// once per place. Three reads: the households' places, the grids' boundaries, and the points in one box around them.
/// </summary>
[StatelessWorker]
internal sealed class ServiceCoverageGrain(IServicePointReadModel readModel, ITerritoryIndexStore territory) : Grain, IServiceCoverageGrain
{
    /// <summary>The households that miss something are listed up to this many (the figures count them all).</summary>
    public const int MaxGaps = 5000;

    private const int GridPage = 1000;

    private string Community => this.GetPrimaryKeyString();

    async Task<ServiceCoverage?> IServiceCoverageGrain.GetAsync(IReadOnlyList<ServicePointKind> kinds, int minutes)
    {
        if (minutes is < 1 or > Walking.MaxMinutes)
        {
            throw DomainException.Invalid("minutes", $"minutes is from 1 to {Walking.MaxMinutes}.");
        }

        if (TerritoryCode.LevelOf(Community) != TerritoryLevel.Community)
        {
            throw DomainException.Invalid("community", $"'{Community}' is not a community's code (12 digits).");
        }

        if (await GrainFactory.GetGrain<ITerritoryGrain>(Community).GetAsync() is null)
        {
            return null;
        }

        kinds = kinds.Count == 0 ? Enum.GetValues<ServicePointKind>() : kinds.Distinct().Order().ToArray();
        var metres = minutes * Walking.MetresPerMinute;
        var centroids = await CentroidsAsync();
        var households = await readModel.HouseholdPlacesAsync(Community, CancellationToken.None);

        var placed = new List<(HouseholdPlace Household, string At, HouseholdPlacement By)>(households.Count);
        foreach (var h in households)
        {
            if (h.MicroGridCode is { } micro && centroids.ContainsKey(micro))
            {
                placed.Add((h, micro, HouseholdPlacement.MicroGridCentroid));
            }
            else if (centroids.ContainsKey(h.GridCode))
            {
                placed.Add((h, h.GridCode, HouseholdPlacement.GridCentroid));
            }
        }

        var reached = await ReachedAsync(placed.Select(p => p.At).Distinct().ToDictionary(c => c, c => centroids[c]), kinds, metres);

        var perKind = kinds.ToDictionary(k => k, _ => 0);
        var covered = 0;
        var gaps = new List<HouseholdCoverageGap>();
        foreach (var (household, at, by) in placed)
        {
            var here = reached[at];
            foreach (var kind in kinds.Where(here.Contains))
            {
                perKind[kind]++;
            }

            var missing = kinds.Where(k => !here.Contains(k)).ToArray();
            if (missing.Length == 0)
            {
                covered++;
            }
            else if (gaps.Count < MaxGaps)
            {
                gaps.Add(new HouseholdCoverageGap(household.HouseholdId, household.GridCode, household.MicroGridCode, by, missing));
            }
        }

        return new ServiceCoverage(
            Community, minutes, kinds, placed.Count, covered, Share(covered, placed.Count),
            kinds.Select(k => new KindCoverage(k, perKind[k], Share(perKind[k], placed.Count))).ToArray(),
            gaps, households.Count - placed.Count);
    }

    /// <summary>The share as a fraction with four decimals; 0 of 0 is 0.</summary>
    private static double Share(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    /// <summary>The centroid (lat, lon) of every grid and micro-grid under the community that has a boundary.</summary>
    private async Task<Dictionary<string, (double Lat, double Lon)>> CentroidsAsync()
    {
        var centroids = new Dictionary<string, (double Lat, double Lon)>(StringComparer.Ordinal);
        string? after = null;
        while (true)
        {
            var page = await territory.ListGridsUnderAsync(Community, after, GridPage, CancellationToken.None);
            foreach (var entry in page.Where(e => e.Boundary is not null))
            {
                var centroid = Boundaries.Parse(entry.Boundary!).Centroid;
                centroids[entry.Code] = (centroid.Y, centroid.X);
            }

            if (page.Count < GridPage)
            {
                return centroids;
            }

            after = page[^1].Code;
        }
    }

    /// <summary>For each place, the kinds with a point within <paramref name="metres"/>: one query for the box around all places.</summary>
    private async Task<Dictionary<string, HashSet<ServicePointKind>>> ReachedAsync(
        Dictionary<string, (double Lat, double Lon)> places, IReadOnlyList<ServicePointKind> kinds, double metres)
    {
        var reached = places.Keys.ToDictionary(k => k, _ => new HashSet<ServicePointKind>(), StringComparer.Ordinal);
        if (places.Count == 0)
        {
            return reached;
        }

        var box = places.Values.Select(p => Box.Around(p.Lat, p.Lon, metres)).Aggregate((a, b) => a.Union(b));
        var points = await readModel.WithinBoxAsync(DistrictCode.Of(Community), box.MinLat, box.MinLon, box.MaxLat, box.MaxLon, null, CancellationToken.None);
        var wanted = kinds.ToHashSet();
        foreach (var point in points.Where(p => wanted.Contains(p.Kind)))
        {
            foreach (var (code, at) in places)
            {
                if (Distance.Within(at.Lat, at.Lon, point.Lat, point.Lon, metres))
                {
                    reached[code].Add(point.Kind);
                }
            }
        }

        return reached;
    }
}
