using GridGov.Api.Infrastructure;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;

namespace GridGov.Api.Security;

/// <summary>
/// Records every change request that reaches its handler (any method but GET and HEAD), carried out or refused by
/// the domain, in the audit log before the answer leaves: who, when, what, which entity, from where, and the status.
/// Requests refused before the handler (unreadable bodies, failed annotations) change nothing and are not recorded.
/// A request answered 503 (unavailable, or past its deadline) may still take effect: it is recorded without waiting.
/// </summary>
internal sealed class AuditFilter(AuditLog audit, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return await next(context);
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch (DomainException e)
        {
            await RecordAsync(http, ProblemExceptionHandler.FromDomain(e).Status ?? StatusCodes.Status400BadRequest);
            throw;
        }
        catch (BadHttpRequestException e)
        {
            await RecordAsync(http, e.StatusCode);
            throw;
        }
        catch (System.Text.Json.JsonException)
        {
            await RecordAsync(http, StatusCodes.Status400BadRequest);
            throw;
        }
        catch (Exception e) when (IsUnavailable(http, e))
        {
            // Answered 503: the write may still take effect, so it is recorded, but not waited for — the audit log's
            // own database may be what does not answer, and the answer must not wait past the request's deadline.
            _ = RecordAsync(http, StatusCodes.Status503ServiceUnavailable).ContinueWith(
                t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        // Outside the try: a line that cannot be committed is the request's failure (a 503), not a second line.
        var inner = result;
        while (inner is INestedHttpResult nested)
        {
            inner = nested.Result;
        }

        await RecordAsync(http, (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK);
        return result;
    }

    private static bool IsUnavailable(HttpContext http, Exception e) =>
        (e is OperationCanceledException && http.Features.Get<Microsoft.AspNetCore.Http.Timeouts.IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true)
        || Unavailability.IsTransient(e);

    private Task RecordAsync(HttpContext http, int status)
    {
        var caller = http.Caller();
        var entity = http.Request.RouteValues.TryGetValue("code", out var code) ? code as string
            : http.Request.RouteValues.TryGetValue("id", out var id) ? id as string
            : null;
        var district = entity is { Length: >= 6 } && TerritoryCode.IsValid(DistrictCode.Of(entity)) ? DistrictCode.Of(entity)
            : caller.DistrictFilter;
        var endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value;
        // The line is queued whatever happens to the request; the answer waits for its commit only until the request's
        // deadline (then the request-timeout middleware answers 503 and the line still commits when the database can).
        var deadline = http.Features.Get<Microsoft.AspNetCore.Http.Timeouts.IHttpRequestTimeoutFeature>()?.RequestTimeoutToken ?? default;
        return audit.AppendAsync(
            new AuditEntry(
                time.GetUtcNow(), caller.Subject, caller.Role, caller.Scope, district,
                $"{http.Request.Method} {endpoint}", entity, status,
                http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier, StaffId: caller.StaffId),
            CancellationToken.None).WaitAsync(deadline);
    }
}
