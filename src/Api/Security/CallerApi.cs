using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Security;

/// <summary>The key that sends a request: its id (or <c>bootstrap</c>), role, scope (a district code or <c>*</c>), staff id and an app key's kind.</summary>
public sealed record CallerView(string Subject, string Role, string Scope, string? StaffId, string? AppKind);

public static class CallerApi
{
    public static void MapCaller(this RouteGroupBuilder api)
    {
        api.MapGet("/caller", GetCaller)
            .WithTags("API keys")
            .RequireAuthorization(Policies.Caller)
            .WithName("GetCaller")
            .WithSummary("Describe the API key of this request")
            .WithDescription("The key's id, role, scope (its district, or * for operators), staff id and, for an app key, its kind (the one case source it may report), for every role: a client such as the command-centre page uses it to pick the district it shows. Never the key itself.");
    }

    public static Ok<CallerView> GetCaller(HttpContext http)
    {
        var caller = http.Caller();
        return TypedResults.Ok(new CallerView(caller.Subject, caller.Role, caller.Scope, caller.StaffId, caller.AppKind));
    }
}
