using Microsoft.AspNetCore.Http.Timeouts;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// Grain calls take no cancellation token, so a call stuck on a database that does not answer would hold its request
/// past the request timeout. A call made by a request that has a deadline stops being awaited when the deadline passes:
/// the handler ends with the cancellation and the request-timeout middleware answers 503. The call itself runs on in
/// the cluster (it may still take effect, which the 503's Retry-After and the Idempotency-Key are for), and nothing of
/// the request is touched after its answer, because the handler's continuation never runs.
/// </summary>
internal sealed class RequestDeadlineCallFilter(IHttpContextAccessor accessor) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        // Only the deadline, not a client that went away: a write whose client disconnected still finishes as before.
        // Calls without a request (background services, grain-to-grain calls in a co-hosted silo) have no feature.
        var deadline = accessor.HttpContext?.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken ?? default;
        return deadline.CanBeCanceled ? context.Invoke().WaitAsync(deadline) : context.Invoke();
    }
}
