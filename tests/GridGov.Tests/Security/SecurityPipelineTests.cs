using System.Net;
using System.Security.Claims;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Security;

/// <summary>
/// Keys are checked once per request, by GridGov's own middleware: ASP.NET Core's authentication middleware (which
/// WebApplication adds by itself unless told it is there) must not run as well, and refusals still go through the scheme.
/// </summary>
public sealed class SecurityPipelineTests
{
    [Fact]
    public async Task Requests_are_authenticated_without_asp_net_core_s_authentication_middleware_and_still_refused_through_the_scheme()
    {
        var calls = new AuthenticationCalls();
        await using var api = new ApiFactory();
        await using var host = api.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            var original = services.Last(d => d.ServiceType == typeof(IAuthenticationService));
            services.Remove(original);
            services.AddSingleton(calls);
            services.Add(new ServiceDescriptor(
                typeof(IAuthenticationService),
                sp => new CountingAuthenticationService((IAuthenticationService)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!), sp.GetRequiredService<AuthenticationCalls>()),
                original.Lifetime));
        }));
        var district = Fresh.District();
        var keyClient = host.CreateClient();
        keyClient.DefaultRequestHeaders.Add("X-Api-Key", api.BootstrapKey);
        var created = await (await keyClient.PostJsonAsync("/api/v1/api-keys", $$"""{"name":"app","role":"app","scope":"{{district}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        using var app = host.CreateClient();
        app.DefaultRequestHeaders.Add("X-Api-Key", created.GetProperty("key").GetString());

        for (var i = 0; i < 5; i++)
        {
            await (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertOkAsync();
        }

        var forbidden = await app.GetAsync("/api/v1/audit");
        using var anonymous = host.CreateClient();
        var unauthorized = await anonymous.GetAsync("/api/v1/locate?lat=1&lon=1");

        Assert.Equal(0, calls.Authenticate);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.True(calls.Forbid >= 1 && calls.Challenge >= 1, $"forbid {calls.Forbid}, challenge {calls.Challenge}: refusals did not go through the scheme");
    }

    private sealed class AuthenticationCalls
    {
        public int Authenticate;
        public int Challenge;
        public int Forbid;
    }

    private sealed class CountingAuthenticationService(IAuthenticationService inner, AuthenticationCalls calls) : IAuthenticationService
    {
        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme)
        {
            Interlocked.Increment(ref calls.Authenticate);
            return inner.AuthenticateAsync(context, scheme);
        }

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties)
        {
            Interlocked.Increment(ref calls.Challenge);
            return inner.ChallengeAsync(context, scheme, properties);
        }

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties)
        {
            Interlocked.Increment(ref calls.Forbid);
            return inner.ForbidAsync(context, scheme, properties);
        }

        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) =>
            inner.SignInAsync(context, scheme, principal, properties);

        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) =>
            inner.SignOutAsync(context, scheme, properties);
    }
}
