using GridGov.Api.Infrastructure;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;

namespace GridGov.Api.Security;

/// <summary>
/// Records every change request that reaches its handler (any method but GET and HEAD), carried out or refused by
/// the domain, in the audit log before the answer leaves: who, when, what, which entity, from where, and the status.
/// Requests refused before the handler (unreadable bodies, failed annotations) change nothing and are not recorded.
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

        try
        {
            var result = await next(context);
            var inner = result;
            while (inner is INestedHttpResult nested)
            {
                inner = nested.Result;
            }

            await RecordAsync(http, (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK);
            return result;
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
    }

    private Task RecordAsync(HttpContext http, int status)
    {
        var caller = http.Caller();
        var entity = http.Request.RouteValues.TryGetValue("code", out var code) ? code as string
            : http.Request.RouteValues.TryGetValue("id", out var id) ? id as string
            : null;
        var district = entity is { Length: >= 6 } && TerritoryCode.IsValid(DistrictCode.Of(entity)) ? DistrictCode.Of(entity)
            : caller.DistrictFilter;
        var endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value;
        return audit.AppendAsync(
            new AuditEntry(
                time.GetUtcNow(), caller.Subject, caller.Role, caller.Scope, district,
                $"{http.Request.Method} {endpoint}", entity, status,
                http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier),
            CancellationToken.None);
    }
}
