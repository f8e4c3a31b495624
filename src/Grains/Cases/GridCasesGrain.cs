using GridGov.Contracts;
using GridGov.Contracts.Cases;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace GridGov.Grains.Cases;

[GenerateSerializer, Alias("gridgov.grid-cases-state")]
internal sealed class GridCasesState
{
    /// <summary>The newest version seen of every case of the grid, open or not (so late, older events are ignored).</summary>
    [Id(0)] public Dictionary<string, long> Versions { get; set; } = [];

    [Id(1)] public Dictionary<string, OpenCase> Open { get; set; } = [];
}

/// <summary>
/// A grid's view of its cases, fed by the case events on the grid's stream. Applies an event only when it is newer
/// than what it has (events carry the whole case, so any newer one repairs a missed one). Writes its own state and the
/// read-model rows in batches on a timer, not per event.
/// </summary>
[ImplicitStreamSubscription(StreamNamespaces.CaseEvents)]
internal sealed partial class GridCasesGrain(
    [PersistentState("grid-cases", ProviderNames.MainStorage)] IPersistentState<GridCasesState> state,
    ICaseReadModel readModel,
    ILogger<GridCasesGrain> logger) : Grain, IGridCasesGrain
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<string, CaseSnapshot> _unprojected = [];
    private bool _dirty;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(ProviderNames.Streams)
            .GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((e, _) => ApplyAsync([e]));
        this.RegisterGrainTimer(FlushAsync, FlushInterval, FlushInterval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    Task<GridCasesView> IGridCasesGrain.GetAsync()
    {
        var open = state.State.Open.Values.OrderBy(c => c.ReportedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToArray();
        var byState = open.GroupBy(c => c.State).ToDictionary(g => g.Key, g => g.Count());
        return Task.FromResult(new GridCasesView(this.GetPrimaryKeyString(), open, byState, open.Count(c => c.Overdue)));
    }

    Task<string?> IGridCasesGrain.FindDuplicateAsync(string category, double lat, double lon, DateTimeOffset since, double metres) =>
        Task.FromResult(state.State.Open.Values
            .Where(c => c.Category == category && c.ReportedAt >= since && c.Lat is { } la && c.Lon is { } lo
                && Distance.Metres(lat, lon, la, lo) <= metres)
            .OrderBy(c => c.ReportedAt)
            .Select(c => c.Id)
            .FirstOrDefault());

    private Task ApplyAsync(IEnumerable<CaseEvent> events)
    {
        foreach (var e in events)
        {
            if (state.State.Versions.TryGetValue(e.CaseId, out var known) && known >= e.Version)
            {
                continue;
            }

            var c = e.Case;
            state.State.Versions[e.CaseId] = e.Version;
            if (CaseStates.IsOpen(c.State))
            {
                state.State.Open[c.Id] = new OpenCase(c.Id, c.State, c.Category, c.Lat, c.Lon, c.ReportedAt, c.Assignee, c.Deadline, c.Overdue, c.Version);
            }
            else
            {
                state.State.Open.Remove(c.Id);
            }

            _unprojected[c.Id] = c;
            _dirty = true;
        }

        return Task.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_unprojected.Count > 0)
        {
            var batch = _unprojected.Values.ToArray();
            try
            {
                await readModel.UpsertAsync(batch, cancellationToken);
                foreach (var c in batch)
                {
                    if (_unprojected.TryGetValue(c.Id, out var now) && now.Version == c.Version)
                    {
                        _unprojected.Remove(c.Id);
                    }
                }
            }
            catch (Exception e)
            {
                LogProjectionFailed(logger, e, this.GetPrimaryKeyString(), batch.Length);
            }
        }

        if (_dirty)
        {
            _dirty = false;
            await state.WriteStateAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid {Grid} could not project {Count} case(s); it retries on its next flush")]
    private static partial void LogProjectionFailed(ILogger logger, Exception exception, string grid, int count);
}

/// <summary>Great-circle distance (haversine), in metres.</summary>
public static class Distance
{
    private const double EarthRadiusMetres = 6_371_008.8;

    public static double Metres(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
