using System.Collections.Frozen;
using GridGov.Api.CommandCentre;
using GridGov.Api.Infrastructure;
using GridGov.Contracts.Security;
using GridGov.Hosting.Security;
using GridGov.Hosting.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridGov.Api.Security;

/// <summary>Authentication, authorization, rate limits, signed callers for the cluster, audit and security headers.</summary>
public static partial class SecuritySetup
{
    public static void AddGridGovSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .AddPolicies();
        // One evaluator for every request, deciding GridGov's role policies in place (CallerPolicyEvaluator).
        builder.Services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, CallerPolicyEvaluator>());
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        builder.Services.AddSingleton<RateLimits>();
    }

    private static AuthorizationBuilder AddPolicies(this AuthorizationBuilder builder)
    {
        foreach (var (name, roles) in Policies.AllowedRoles)
        {
            // The role is read from the request's caller, not searched for among its claims (which are then never made).
            var allowed = roles.ToFrozenSet(StringComparer.Ordinal);
            builder.AddPolicy(name, p => p.RequireAuthenticatedUser().AddRequirements(new CallerRoleRequirement(allowed)));
        }

        return builder;
    }

    public static void UseGridGovSecurity(this WebApplication app)
    {
        app.Use(SecurityHeaders);
        var keys = app.Services.GetRequiredService<ApiKeyCache>();
        var auth = app.Services.GetRequiredService<AuthSettings>();
        app.Use(next => http => ApiKeyAuthenticationHandler.AuthenticateAsync(http, next, keys, auth));
        // WebApplication adds ASP.NET Core's authentication middleware itself unless the pipeline says it has one; the
        // middleware above is GridGov's, so the marker UseAuthentication() would set is set here (the key is ASP.NET
        // Core's; SecurityPipelineTests fails if that middleware runs again).
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        var limits = app.Services.GetRequiredService<RateLimits>();
        app.Use(next => http => limits.InvokeAsync(http, next));
        app.UseAuthorization();
        app.Use(ApiSetup.RefuseDotSegments);
        app.Use(ApiSetup.RequireUtf8);
        app.Use(EnterCaller);
        if (app.Services.GetRequiredService<AuthSettings>().BootstrapApiKeyFile is { } file)
        {
            LogBootstrapKey(app.Logger, file);
        }
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>The group every /api/v1 endpoint hangs under: authenticated, audited.</summary>
    public static RouteGroupBuilder MapApiRoot(this WebApplication app) =>
        app.MapGroup("/api/v1")
            .RequireAuthorization()
            .AuditsChanges()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// Adds <see cref="AuditFilter"/> to every endpoint of the group that can change something. An endpoint that only
    /// answers GET or HEAD gets no filter at all: the filter would record nothing for it, and an endpoint without
    /// filters runs the handler directly, without the filter pipeline's invocation context and boxed result that
    /// every read would otherwise pay for (docs/benchmarks.md, "Read paths"). The group's conventions see the
    /// endpoint's methods, which are its first metadata.
    /// </summary>
    private static RouteGroupBuilder AuditsChanges(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods is { Count: > 0 } methods
                && methods.All(m => HttpMethods.IsGet(m) || HttpMethods.IsHead(m)))
            {
                return;
            }

            endpoint.FilterFactories.Add((context, next) =>
            {
                var filter = ActivatorUtilities.CreateInstance<AuditFilter>(context.ApplicationServices);
                return invocation => filter.InvokeAsync(invocation, next);
            });
        });
        return group;
    }

    /// <summary>The caller travels, signed, with every grain call this request makes (the cluster checks it again).</summary>
    private static Task EnterCaller(HttpContext http, RequestDelegate next)
    {
        if (http.User.Caller() is { } caller)
        {
            caller.Enter(http.RequestServices.GetRequiredService<CallerSigner>());
        }

        return next(http);
    }

    /// <summary>Set when the response starts, so error responses (whose headers the exception handler clears) have them too.</summary>
    private static Task SecurityHeaders(HttpContext http, RequestDelegate next)
    {
        // A static callback with the context as its state: nothing is allocated for it on each request.
        http.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/docs")
                // The interactive API reference (Scalar) configures itself with an inline script.
                ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
                : CommandCentrePage.Serves(http.Request.Path) ? CommandCentrePage.ContentSecurityPolicy
                // The Orleans Dashboard's scripts are files of its own; its markup sets inline styles.
                : http.Request.Path.StartsWithSegments(Operations.DashboardSession.Path)
                    ? "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'"
                : "default-src 'none'; frame-ancestors 'none'";
            return Task.CompletedTask;
        }, http);
        return next(http);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GridGov: the bootstrap operator API key is in {File} (readable by this user only). Send it as X-Api-Key.")]
    private static partial void LogBootstrapKey(ILogger logger, string file);
}
