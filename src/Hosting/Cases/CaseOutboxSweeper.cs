using GridGov.Contracts.Cases;
using GridGov.Contracts.Security;
using GridGov.Hosting.Storage;
using GridGov.Hosting.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridGov.Hosting.Cases;

/// <summary>How often the outbox sweep runs, how old a write must be before it counts as lost, and how far back a
/// silo looks when it starts.</summary>
public sealed record CaseSweepSettings(TimeSpan Interval, TimeSpan MinAge, TimeSpan Lookback, int Batch = 500)
{
    /// <summary>
    /// Every 5 s: the sweep's cost is one check per case written whatever the interval, so a short one spreads that
    /// work into short queries instead of long ones that hold up intake (<c>docs/storage.md</c>).
    /// </summary>
    public static readonly CaseSweepSettings Default = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15));
}

/// <summary>
/// The repair for a case event lost on its way to the grid's view: memory streams keep events in silo memory, so an
/// event enqueued on a silo that dies before delivering it never reaches the grid's view or the read model, and a new
/// case, which no one touches until staff find it there, would stay unlisted. Every <see cref="CaseSweepSettings.Interval"/>
/// each silo looks at the case rows written since its last look (at first, <see cref="CaseSweepSettings.Lookback"/>
/// back) and at least <see cref="CaseSweepSettings.MinAge"/> ago whose version the read model does not have
/// (<see cref="OrleansStorageRows.UnprojectedCasesAsync"/>), and has each such case publish its latest event again. Consumers ignore what they already have, so silos need not agree
/// who sweeps.
/// </summary>
public sealed partial class CaseOutboxSweeper(
    CaseSweepSettings settings,
    OrleansStorageRows rows,
    IGrainFactory grains,
    CallerSigner signer,
    TimeProvider time,
    GridGovMetrics metrics,
    ILogger<CaseOutboxSweeper> logger) : BackgroundService
{
    private static readonly CallerContext Sweeper = new("system:case-outbox-sweep", Roles.Operator, Scopes.All);

    /// <summary>Where the last look ended: a write time and, among the rows written then, a case id.</summary>
    private (object At, string Id)? _after;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The first sweep waits an interval too, so that it runs on a silo that has joined its cluster.
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(settings.Interval, time, stoppingToken);
                await SweepOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep; answers how many cases were asked to publish again.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            _after ??= (await rows.NowMinusAsync(settings.Lookback, cancellationToken), "");
            var until = await rows.NowMinusAsync(settings.MinAge, cancellationToken);
            var repaired = 0;
            while (true)
            {
                var page = await rows.UnprojectedCasesAsync(_after.Value, until, settings.Batch, cancellationToken);
                Sweeper.Enter(signer);
                await Task.WhenAll(page.Select(row => grains.GetGrain<ICaseGrain>(row.CaseId).RepublishAsync()));
                repaired += page.Count;
                if (page.Count < settings.Batch)
                {
                    _after = (until, "");
                    break;
                }

                // Rows committed together share their write time: the next page starts after this case among them.
                _after = (page[^1].ModifiedAt, page[^1].CaseId);
            }

            if (repaired > 0)
            {
                metrics.Republished(repaired);
                LogRepublished(logger, repaired);
            }

            return repaired;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSweepFailed(logger, e);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox sweep: {Count} case(s) had a write the read model did not have; their latest events were published again")]
    private static partial void LogRepublished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox sweep failed; it runs again later")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
