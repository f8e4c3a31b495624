using System.Security.Claims;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;

namespace GridGov.Api.Security;

/// <summary>The authenticated caller of a request, and the API's tenancy check.</summary>
public static class Callers
{
    public static CallerContext Caller(this HttpContext http) => http.User.Caller()
        ?? throw new InvalidOperationException("The endpoint runs without an authenticated caller; every endpoint needs a policy.");

    public static CallerContext? Caller(this ClaimsPrincipal user) =>
        user.Identity is CallerIdentity known ? known.Caller
        : user.Identity?.IsAuthenticated == true
        && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } subject
        && user.FindFirstValue(ApiKeyAuthenticationHandler.RoleClaim) is { } role
        && user.FindFirstValue(ApiKeyAuthenticationHandler.ScopeClaim) is { } scope
            ? new CallerContext(subject, role, scope, user.FindFirstValue(ApiKeyAuthenticationHandler.StaffClaim))
            : null;

    /// <summary>An entity of another district does not exist for this caller: 404, never 403, so nothing is revealed.</summary>
    public static void RequireDistrict(this HttpContext http, string district, string entity)
    {
        if (!Scopes.Covers(http.Caller().Scope, district))
        {
            throw DomainException.NotFound($"{entity} does not exist.");
        }
    }
}
