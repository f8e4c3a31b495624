using System.Collections.Frozen;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace GridGov.Api.Security;

/// <summary>
/// What every GridGov policy requires beyond an authenticated caller: that the caller's role is one of
/// <see cref="Roles"/> (<see cref="Policies.AllowedRoles"/>). It is its own handler, so ASP.NET Core's authorization
/// service decides it too, for anything that asks the service directly.
/// </summary>
internal sealed class CallerRoleRequirement(FrozenSet<string> roles) : AuthorizationHandler<CallerRoleRequirement>, IAuthorizationRequirement
{
    public FrozenSet<string> Roles { get; } = roles;

    public bool Allows(System.Security.Claims.ClaimsPrincipal user) => user.Caller() is { } caller && Roles.Contains(caller.Role);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerRoleRequirement requirement)
    {
        if (requirement.Allows(context.User))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Decides GridGov's policies (an authenticated caller, a role among a set) in place on every request, where ASP.NET
/// Core's evaluator would make a handler context, enumerate handlers and await each — the largest part of what
/// authorization cost a read (docs/benchmarks.md, "Read paths"). The answers are those the authorization service gives
/// for the same requirements: success, or a forbid for an authenticated caller and a challenge for anyone else. A
/// policy with any other requirement or with schemes of its own goes to ASP.NET Core's evaluator unchanged.
/// </summary>
internal sealed class CallerPolicyEvaluator : IPolicyEvaluator
{
    private static readonly PolicyAuthorizationResult Allowed = PolicyAuthorizationResult.Success();

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context) =>
        policy.AuthenticationSchemes.Count > 0
            ? Default(context).AuthenticateAsync(policy, context)
            // As ASP.NET Core's evaluator does for a policy without schemes: the request's user, as authenticated before.
            : Task.FromResult(context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult
                ?? (IsAuthenticated(context.User) ? AuthenticateResult.Success(new AuthenticationTicket(context.User, "context.User")) : AuthenticateResult.NoResult()));

    public Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource)
    {
        if (policy.AuthenticationSchemes.Count > 0 || Decide(policy, context.User) is not { } allowed)
        {
            return Default(context).AuthorizeAsync(policy, authenticationResult, context, resource);
        }

        return Task.FromResult(
            allowed ? Allowed
            : authenticationResult.Succeeded ? PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed(policy.Requirements))
            : PolicyAuthorizationResult.Challenge());
    }

    /// <summary>Whether the policy allows the user, or null when it has a requirement this evaluator does not know.</summary>
    private static bool? Decide(AuthorizationPolicy policy, System.Security.Claims.ClaimsPrincipal user)
    {
        var allowed = true;
        foreach (var requirement in policy.Requirements)
        {
            switch (requirement)
            {
                case DenyAnonymousAuthorizationRequirement:
                    allowed &= IsAuthenticated(user);
                    break;
                case CallerRoleRequirement role:
                    allowed &= role.Allows(user);
                    break;
                default:
                    return null;
            }
        }

        return allowed;
    }

    private static bool IsAuthenticated(System.Security.Claims.ClaimsPrincipal? user)
    {
        if (user is null)
        {
            return false;
        }

        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated)
            {
                return true;
            }
        }

        return false;
    }

    private static PolicyEvaluator Default(HttpContext context) => new(context.RequestServices.GetRequiredService<IAuthorizationService>());
}
