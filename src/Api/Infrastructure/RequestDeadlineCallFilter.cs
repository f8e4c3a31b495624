using Microsoft.AspNetCore.Http.Timeouts;
using Orleans.Runtime;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// Grain calls take no cancellation token, so a call stuck on a database that does not answer would hold its request
/// past the request timeout. A call made by a request that has a deadline stops being awaited when the deadline passes:
/// the handler ends with the cancellation and the request-timeout middleware answers 503. The call itself runs on in
/// the cluster (it may still take effect, which the 503's Retry-After and the Idempotency-Key are for), and nothing of
/// the request is touched after its answer, because the handler's continuation never runs.
/// <para>
/// A call whose message was lost between silos (the silo or gateway it went to left or died, or the message was
/// rejected while activations moved) is sent once more, after a short pause, when the request is safe to repeat: a
/// GET or HEAD, or a request with an Idempotency-Key to an endpoint whose grain deduplicates by it
/// (<see cref="IdempotencyKeys"/>; a key sent to any other endpoint makes nothing safe to repeat). That is what a
/// client would do with the 503 it would otherwise get; here it costs it nothing when the second try lands on a silo
/// that stayed (docs/operations.md, "Scale out and in").
/// </para>
/// </summary>
internal sealed partial class RequestDeadlineCallFilter(IHttpContextAccessor accessor, ILogger<RequestDeadlineCallFilter> logger) : IOutgoingGrainCallFilter
{
    /// <summary>Long enough for the client to drop a gateway that closed and for a moved activation to be found.</summary>
    internal static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        // Only the deadline, not a client that went away: a write whose client disconnected still finishes as before.
        // Calls without a request (background services, grain-to-grain calls in a co-hosted silo) have no feature.
        var http = accessor.HttpContext;
        var deadline = http?.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken ?? default;
        return http is not null && IsSafeToRepeat(http) ? InvokeRepeatingAsync(context, deadline) : InvokeAsync(context, deadline);
    }

    private async Task InvokeRepeatingAsync(IOutgoingGrainCallContext context, CancellationToken deadline)
    {
        Exception lost;
        try
        {
            await InvokeAsync(context, deadline);
            if (context.Response?.Exception is not { } failure || !IsLostInTransit(failure))
            {
                return;
            }

            lost = failure;
        }
        catch (Exception e) when (IsLostInTransit(e))
        {
            lost = e;
        }

        LogResending(logger, context.InterfaceName, context.MethodName, lost.GetType().Name);
        await Task.Delay(RetryPause, deadline);
        context.Response = null;
        await InvokeAsync(context, deadline);
    }

    private static Task InvokeAsync(IOutgoingGrainCallContext context, CancellationToken deadline) =>
        deadline.CanBeCanceled ? context.Invoke().WaitAsync(deadline) : context.Invoke();

    /// <summary>The message never reached a grain that stayed: the call did not run, or ran and is deduplicated when repeated.</summary>
    internal static bool IsLostInTransit(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException;

    internal static bool IsSafeToRepeat(HttpContext http) =>
        HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || IdempotencyKeys.Deduplicates(http);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending {Interface}.{Method} again: its message was lost in transit ({Failure})")]
    private static partial void LogResending(ILogger logger, string @interface, string method, string failure);
}
