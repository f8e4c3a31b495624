using System.Net;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GridGov.Tests.Operations;

/// <summary>The Orleans Dashboard at /dashboard: operators only, by header or by the browser's cookie.</summary>
public sealed class DashboardTests(DashboardTests.Fixture f) : IClassFixture<DashboardTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public ApiFactory Api { get; } = new();

        public string District { get; } = Fresh.District();

        public string AppKey { get; private set; } = "";

        public string AdminKey { get; private set; } = "";

        public async Task InitializeAsync()
        {
            AppKey = await Api.CreateKeyAsync(Roles.App, District);
            AdminKey = await Api.CreateKeyAsync(Roles.DistrictAdmin, District);
        }

        public async Task DisposeAsync() => await Api.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_key_opens_the_page_and_its_data()
    {
        using var op = f.Api.CreateOperatorClient();

        using var page = await op.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The dashboard grain counts the silos on its first collection round.
        await Eventually.MatchesAsync(
            async () =>
            {
                using var counters = await op.GetAsync("/dashboard/DashboardCounters");
                return (counters.StatusCode, Body: await counters.Content.ReadAsStringAsync());
            },
            r => r.StatusCode == HttpStatusCode.OK && JsonDocument.Parse(r.Body).RootElement.GetProperty("totalActiveHostCount").GetInt32() >= 1,
            "the dashboard to count the embedded silo");
    }

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/DashboardCounters")]
    [InlineData("/dashboard/index.min.js")]
    public async Task Anyone_but_an_operator_is_refused(string path)
    {
        using var anonymous = f.Api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        using var wrong = f.Api.CreateClient("gg_0123456789abcdef_" + new string('A', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(path)).StatusCode);
        using var app = f.Api.CreateClient(f.AppKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync(path)).StatusCode);
        using var admin = f.Api.CreateClient(f.AdminKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task A_browser_signs_in_with_a_cookie_that_works_on_the_dashboard_alone()
    {
        using var browser = f.Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var signIn = await browser.PostAsync("/dashboard/session", new FormUrlEncodedContent([new("key", f.Api.BootstrapKey)]));

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/dashboard/", signIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        foreach (var attribute in new[] { "httponly", "secure", "samesite=strict", "path=/dashboard" })
        {
            Assert.Contains(attribute, cookie.ToLowerInvariant().Split(';').Select(a => a.Trim()));
        }

        var pair = cookie.Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, (await SendWithCookieAsync(browser, "/dashboard/DashboardCounters", pair)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendWithCookieAsync(browser, "/api/v1/caller", pair)).StatusCode);

        using var logout = await browser.PostAsync("/dashboard/logout", null);
        Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        Assert.StartsWith("gg_dashboard_key=;", Assert.Single(logout.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_refuses_other_keys_and_names_a_missing_key()
    {
        using var browser = f.Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        await (await browser.PostAsync("/dashboard/session", new FormUrlEncodedContent([new("key", f.AppKey)]))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await browser.PostAsync("/dashboard/session", new FormUrlEncodedContent([new("key", "not a key at all")]))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await browser.PostAsync("/dashboard/session", new FormUrlEncodedContent([]))).AssertProblemAsync(HttpStatusCode.BadRequest, "key");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendWithCookieAsync(browser, "/dashboard/DashboardCounters", $"gg_dashboard_key={f.AppKey}")).StatusCode);
        using var page = await browser.GetAsync("/dashboard/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_is_not_in_the_OpenAPI_document()
    {
        using var client = f.Api.CreateClient();
        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.DoesNotContain("/dashboard", document, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendWithCookieAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }
}
