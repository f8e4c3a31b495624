using GridGov.Contracts.Common;
using GridGov.Contracts.Police;
using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;
using Microsoft.Extensions.Logging;
using NetTopologySuite.Geometries;
using Orleans.Concurrency;

namespace GridGov.Grains.Police;

/// <summary>
/// One per silo, reentrant: takes the territory index's word of a grid's changed boundary to the police areas near it
/// (one read-model query finds them), and finds a case's area (one query, then the candidates' polygons).
/// </summary>
[StatelessWorker, Reentrant]
internal sealed partial class PoliceAreasGrain(IPoliceAreaStore store, ILogger<PoliceAreasGrain> logger) : Grain, IPoliceAreasGrain
{
    private const int ImportParallelism = 16;

    async Task<IReadOnlyList<PoliceAreaImportOutcome>> IPoliceAreasGrain.ImportAsync(string district, IReadOnlyList<PoliceAreaImportItem> items)
    {
        using var gate = new SemaphoreSlim(ImportParallelism);
        return await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                var result = await GrainFactory.GetGrain<IPoliceAreaGrain>(PoliceAreaCode.Key(district, item.Code)).PutAsync(item.Area, null, false);
                return new PoliceAreaImportOutcome(item.Index, item.Code, result.Outcome, null, null);
            }
            catch (DomainException e)
            {
                return new PoliceAreaImportOutcome(item.Index, item.Code, null, Feature(e.Field), e.Message);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Where a refused field sits in a GeoJSON feature.</summary>
    private static string? Feature(string? field) => field switch
    {
        null => null,
        "boundary" => "geometry",
        "officer.name" => "properties.officerName",
        _ => "properties." + field,
    };

    async Task IPoliceAreasGrain.GridChangedAsync(GridBoundaryChange change)
    {
        var district = DistrictCode.Of(change.GridCode);
        var reason = (change.HadBoundary, change.HasBoundary) switch
        {
            (false, true) => $"grid {change.GridCode} was drawn",
            (true, false) => $"grid {change.GridCode} was retired or deleted",
            _ => $"grid {change.GridCode} changed its boundary",
        };

        var areas = await store.NearAsync(district, change.Envelope, change.GridCode, CancellationToken.None);
        await Task.WhenAll(areas.Select(async code =>
        {
            try
            {
                await GrainFactory.GetGrain<IPoliceAreaGrain>(PoliceAreaCode.Key(district, code)).RecomputeAsync(reason);
            }
            catch (Exception e)
            {
                // The territory write stands; the area is recomputed by its next change or PUT (docs/resources.md).
                LogRecomputeFailed(logger, e, district, code, change.GridCode);
            }
        }));
    }

    async Task<PoliceAreaRef?> IPoliceAreasGrain.FindAsync(string district, double? lat, double? lon, string gridCode)
    {
        if (lat is { } y && lon is { } x)
        {
            var point = Boundaries.Factory.CreatePoint(new Coordinate(x, y));
            var holding = (await store.CandidatesAtAsync(district, y, x, CancellationToken.None))
                .Where(a => a.Boundary is not null && Boundaries.Parse(a.Boundary).Covers(point))
                .MinBy(a => a.Code, StringComparer.Ordinal);
            if (holding is not null)
            {
                return Ref(holding);
            }
        }

        if (gridCode.Length < 15 || TerritoryCode.LevelOf(gridCode) < TerritoryLevel.Grid)
        {
            return null;
        }

        var linked = await store.LinkedToGridAsync(district, gridCode[..15], CancellationToken.None);
        return linked.Count > 0 ? Ref(linked[0]) : null;
    }

    private static PoliceAreaRef Ref(PoliceAreaSnapshot a) => new(a.Code, a.Name, a.Officer?.Name, a.Officer?.PhoneMasked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Police area {District}-PA{Code} could not recompute its grids after grid {Grid} changed")]
    private static partial void LogRecomputeFailed(ILogger logger, Exception exception, string district, string code, string grid);
}
