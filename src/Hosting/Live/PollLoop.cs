namespace GridGov.Hosting.Live;

/// <summary>
/// The loop of every poller of the case-event log and the webhook tables (<see cref="CaseEventTailer"/>,
/// <see cref="WebhookRouter"/>, <see cref="WebhookDeliverer"/>): run a step at once while it says more may be waiting,
/// else wait for the next poll; after a failure, log it and back off for four poll intervals, so a database that is down
/// is neither hammered nor reported at every poll. Ends quietly when the host stops.
/// </summary>
internal static class PollLoop
{
    private const int BackoffIntervals = 4;

    /// <param name="step">One round; true when there may be more to do at once.</param>
    /// <param name="idle">The wait after a round with nothing more to do (default: one poll interval).</param>
    public static async Task RunAsync(
        TimeSpan interval, TimeProvider time, Func<CancellationToken, Task<bool>> step, Action<Exception> failed,
        CancellationToken stoppingToken, Func<CancellationToken, Task>? idle = null)
    {
        idle ??= cancellationToken => Task.Delay(interval, time, cancellationToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await step(stoppingToken))
                {
                    await idle(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed(e);
                try
                {
                    await Task.Delay(interval * BackoffIntervals, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
