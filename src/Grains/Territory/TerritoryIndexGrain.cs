using GridGov.Contracts.Police;
using GridGov.Contracts.Territory;
using GridGov.Grains.Common;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Territory;

/// <summary>
/// The spatial index of one district, loaded from its table on activation and kept current by the nodes themselves.
/// It takes the writes; locates are answered by every silo's copy (<see cref="DistrictIndexes"/>), which this grain
/// keeps current: a node's change reaches every watching copy before the change is answered.
/// </summary>
internal sealed partial class TerritoryIndexGrain(ITerritoryIndexStore store, TimeProvider time, ILogger<TerritoryIndexGrain> logger)
    : Grain, ITerritoryIndexGrain
{
    private readonly DistrictIndex _index = new();
    /// <summary>
    /// The silos' copies, each told of changes for 2 minutes after it last renewed its watch (longer than it waits
    /// between renewals), waited for 5 s at most.
    /// </summary>
    private readonly Watchers<ITerritoryIndexWatcher> _watchers = new(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5));
    private DistrictExtent? _extent;

    private string District => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in await store.LoadDistrictAsync(District, cancellationToken))
        {
            _index.Upsert(entry);
        }

        // Written again on activation, so an extent whose write was cut off by a crash is repaired.
        _extent = _index.Extent(District);
        if (_extent is not null)
        {
            await store.SetDistrictExtentAsync(_extent, cancellationToken);
        }
    }

    async Task ITerritoryIndexGrain.UpsertAsync(TerritoryIndexEntry entry)
    {
        if (!_index.IsNewer(entry))
        {
            return;
        }

        var node = DistrictIndex.Prepare(entry);
        var previous = _index.Find(entry.Code);
        var envelope = node.Envelope;
        await store.UpsertAsync(
            entry,
            envelope is null ? null : [envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY],
            CancellationToken.None);
        _index.Upsert(node);

        var extent = _index.Extent(District);
        if (extent != _extent)
        {
            if (extent is not null)
            {
                await store.SetDistrictExtentAsync(extent, CancellationToken.None);
            }

            _extent = extent;
        }

        // A copy that does not answer in time finds the change by the digest when it renews its watch.
        await _watchers.TellAsync(watcher => watcher.UpsertedAsync(District, entry));
        await TellPoliceAreasAsync(previous, node);
    }

    /// <summary>
    /// A comprehensive grid's changed boundary (drawn, redrawn, retired, deleted) changes which police areas overlap it:
    /// the areas near it recompute (docs/resources.md, "Police areas"). Only territory writes pass here, never a case.
    /// </summary>
    private async Task TellPoliceAreasAsync(DistrictIndex.Node? previous, DistrictIndex.Node node)
    {
        if (node.Level != TerritoryLevel.Grid || previous?.Entry.Boundary == node.Entry.Boundary)
        {
            return;
        }

        var envelope = new NetTopologySuite.Geometries.Envelope();
        foreach (var e in new[] { previous?.Envelope, node.Envelope })
        {
            if (e is not null)
            {
                envelope.ExpandToInclude(e);
            }
        }

        try
        {
            await GrainFactory.GetGrain<IPoliceAreasGrain>(0).GridChangedAsync(new GridBoundaryChange(
                node.Entry.Code,
                previous?.Entry.Boundary is not null,
                node.Entry.Boundary is not null,
                envelope.IsNull ? null : [envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY]));
        }
        catch (Exception e)
        {
            // The territory's change stands whatever the police areas make of it.
            LogPoliceAreasFailed(logger, e, node.Entry.Code);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The police areas near grid {Code} could not be told of its changed boundary")]
    private static partial void LogPoliceAreasFailed(ILogger logger, Exception exception, string code);

    Task<LocateResult> ITerritoryIndexGrain.LocateAsync(double lat, double lon) => Task.FromResult(_index.Locate(lat, lon));

    Task<long> ITerritoryIndexGrain.WatchAsync(ITerritoryIndexWatcher watcher)
    {
        _watchers.Watch(watcher, time.GetUtcNow());
        return Task.FromResult(_index.Digest);
    }

    Task<TerritoryIndexCopy> ITerritoryIndexGrain.CopyAsync(ITerritoryIndexWatcher watcher)
    {
        _watchers.Watch(watcher, time.GetUtcNow());
        return Task.FromResult(new TerritoryIndexCopy(_index.Entries.ToArray(), _index.Digest));
    }
}
