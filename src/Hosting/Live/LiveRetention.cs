using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridGov.Hosting.Live;

/// <summary>
/// Deletes what live feeds and webhooks no longer need: case events older than <c>GridGov:Live:EventRetention</c>,
/// webhook deliveries delivered that long ago, and dead letters older than <c>GridGov:Webhooks:DeadLetterRetention</c>.
/// Runs in every silo host; the deletes are idempotent, so hosts need not agree who runs them.
/// </summary>
public sealed partial class LiveRetention(
    CaseEventLog log, WebhookStore webhooks, LiveSettings live, WebhookSettings settings, TimeProvider time, ILogger<LiveRetention> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(Interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var events = await log.PruneAsync(now - live.EventRetention, cancellationToken);
            var deliveries = await webhooks.PruneDeliveriesAsync(now - live.EventRetention, now - settings.DeadLetterRetention, cancellationToken);
            if (events + deliveries > 0)
            {
                LogPruned(logger, events, deliveries);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPruneFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Events} case event(s) and {Deliveries} webhook deliveries")]
    private static partial void LogPruned(ILogger logger, int events, int deliveries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention of the case-event log failed; it runs again later")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
