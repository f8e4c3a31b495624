using GridGov.Contracts.Common;
using GridGov.Contracts.ServicePoints;
using GridGov.Grains.Cases;
using Orleans.Concurrency;

namespace GridGov.Grains.ServicePoints;

/// <summary>
/// Answers a district's service-point queries from the read model: a box around the point from the table, then the
/// exact great-circle distance here. Keeps nothing, so every silo answers its own share.
/// </summary>
[StatelessWorker]
internal sealed class ServicePointDirectoryGrain(IServicePointReadModel readModel) : Grain, IServicePointDirectoryGrain
{
    /// <summary>A near answer lists at most this many points (the nearest).</summary>
    public const int MaxNear = 500;

    private string District => this.GetPrimaryKeyString();

    async Task<IReadOnlyList<NearServicePoint>> IServicePointDirectoryGrain.NearAsync(double lat, double lon, int minutes, ServicePointKind? kind)
    {
        if (minutes is < 1 or > Walking.MaxMinutes)
        {
            throw DomainException.Invalid("minutes", $"minutes is from 1 to {Walking.MaxMinutes}.");
        }

        var metres = minutes * Walking.MetresPerMinute;
        var box = Box.Around(lat, lon, metres);
        var rows = await readModel.WithinBoxAsync(District, box.MinLat, box.MinLon, box.MaxLat, box.MaxLon, kind, CancellationToken.None);
        return rows
            .Select(p => (Point: p, Metres: Distance.Metres(lat, lon, p.Lat, p.Lon)))
            .Where(p => p.Metres <= metres)
            .OrderBy(p => p.Metres).ThenBy(p => p.Point.Id, StringComparer.Ordinal)
            .Take(MaxNear)
            .Select(p => new NearServicePoint(p.Point, Math.Round(p.Metres, 1), Math.Round(p.Metres / Walking.MetresPerMinute, 1)))
            .ToArray();
    }

    async Task<ServicePointPage> IServicePointDirectoryGrain.ListAsync(ServicePointKind? kind, string? after, int limit)
    {
        var rows = await readModel.ListAsync(District, kind, after, limit + 1, CancellationToken.None);
        return new ServicePointPage(rows.Take(limit).ToArray(), rows.Count > limit ? rows[limit - 1].Id : null);
    }
}

/// <summary>A latitude/longitude box that holds every point within a distance of its centre (the prefilter).</summary>
internal readonly record struct Box(double MinLat, double MinLon, double MaxLat, double MaxLon)
{
    private const double MetresPerDegree = 6_371_008.8 * Math.PI / 180;

    public static Box Around(double lat, double lon, double metres)
    {
        var dLat = metres / MetresPerDegree;
        // A degree of longitude shrinks with the cosine of the latitude; at the box's edge nearest the pole it is
        // smallest, so the box is widened for that edge (and made whole-world near a pole).
        var edge = Math.Min(90, Math.Abs(lat) + dLat);
        var cos = Math.Cos(edge * Math.PI / 180);
        var dLon = cos < 1e-6 ? 360 : Math.Min(360, dLat / cos);
        return new Box(lat - dLat, lon - dLon, lat + dLat, lon + dLon);
    }

    public Box Union(Box other) =>
        new(Math.Min(MinLat, other.MinLat), Math.Min(MinLon, other.MinLon), Math.Max(MaxLat, other.MaxLat), Math.Max(MaxLon, other.MaxLon));
}
