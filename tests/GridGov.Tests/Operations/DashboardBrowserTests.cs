using System.Net;
using GridGov.Tests.CommandCentre;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.Tests.Operations;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium): the sign-in form sets the cookie, and the dashboard's own
/// scripts then draw the cluster under GridGov's content security policy.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();
    private readonly List<string> _problems = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _api.StartServer();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = CommandCentreFixture.Chromium(), Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_signs_in_and_sees_the_silo()
    {
        var address = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await using var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                _problems.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => _problems.Add($"page error: {error}");

        await page.GotoAsync("/dashboard/login");
        await page.GetByLabel("Operator API key").FillAsync((await File.ReadAllTextAsync(Path.Combine(_api.DataFolder, "bootstrap-api-key"))).Trim());
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Open" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(new Uri(address), "/dashboard/").ToString());
        await Expect(page.GetByText("Active Silos").First).ToBeVisibleAsync();
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "gg_dashboard_key");
        Assert.True(cookie.HttpOnly && cookie.Secure && cookie.SameSite == SameSiteAttribute.Strict, $"{cookie.HttpOnly} {cookie.Secure} {cookie.SameSite}");
        Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));
    }
}
