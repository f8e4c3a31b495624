using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.Tests.CommandCentre;

/// <summary>
/// The command-centre page in a real browser (Debian's Chromium) against a running platform holding the reference
/// district's 389 grids: sign-in, the map, the live feed, a grid's cases, languages, screen sizes and the CSP.
/// </summary>
public sealed class CommandCentreBrowserTests(CommandCentreFixture platform) : IClassFixture<CommandCentreFixture>, IAsyncLifetime
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(15);

    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>What the browser reported that must never happen: CSP violations and uncaught script errors.</summary>
    private readonly List<string> _problems = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    private async Task<IPage> OpenAsync(int width = 1920, int height = 1080, string locale = "zh-CN", string path = "/")
    {
        var context = await platform.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = platform.Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)LoadTimeout.TotalMilliseconds);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                _problems.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => _problems.Add($"page error: {error}");
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>Signs in through the form, found by its accessible names (Chinese labels).</summary>
    private static async Task SignInAsync(IPage page, string key)
    {
        await page.GetByLabel("API 密钥").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "登录", Exact = true }).ClickAsync();
    }

    private static ILocator Grids(IPage page) => page.Locator("#map path[data-level='grid']");

    private void AssertNoProblems() => Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));

    [Fact]
    public async Task Signing_in_with_a_district_key_draws_every_grid_of_the_district()
    {
        var (_, key) = await platform.CreateKeyAsync(Roles.CommandCentre);
        var page = await OpenAsync();
        await SignInAsync(page, key);

        // No territory named: a district key watches its own district.
        await Expect(page.Locator("#territory-name")).ToContainTextAsync(CommandCentreFixture.District);
        await Expect(Grids(page)).ToHaveCountAsync(platform.Grids.Count);
        var drawn = await Grids(page).EvaluateAllAsync<string[]>("paths => paths.map(p => p.dataset.code)");
        Assert.Equal(platform.Grids.Keys.Order(StringComparer.Ordinal), drawn.Order(StringComparer.Ordinal));
        Assert.Equal(389, drawn.Length);

        // The key lives in this tab's session storage only.
        Assert.Equal(key, await page.EvaluateAsync<string>("() => sessionStorage.getItem('gridgov.apiKey')"));
        Assert.DoesNotContain(key, await page.EvaluateAsync<string>("() => JSON.stringify(localStorage)"), StringComparison.Ordinal);
        AssertNoProblems();
    }

    [Fact]
    public async Task A_case_reported_through_the_api_appears_in_the_live_feed_within_two_seconds()
    {
        var (_, key) = await platform.CreateKeyAsync(Roles.CommandCentre);
        var page = await OpenAsync();
        await SignInAsync(page, key);
        await Expect(Grids(page)).ToHaveCountAsync(platform.Grids.Count);
        var connection = page.Locator("#connection");
        await Expect(connection).ToHaveAttributeAsync("data-state", new Regex("^(live|unavailable)$"), new LocatorAssertionsToHaveAttributeOptions
        {
            Timeout = 10_000,
        });
        Assert.True(
            await connection.GetAttributeAsync("data-state") == "live",
            $"GET /api/v1/territory/{CommandCentreFixture.District}/events answers 404: the live event feed (SSE) is not deployed.");

        var grid = platform.Grids.Keys.Order(StringComparer.Ordinal).ElementAt(17);
        var clock = Stopwatch.StartNew();
        var id = await platform.ReportCaseAsync(grid, "Live feed check");
        var item = page.Locator($"#feed li[data-case='{id}']");
        await Expect(item).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 2000 });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"The case showed {clock.Elapsed.TotalMilliseconds:0} ms after it was posted.");
        await Expect(item).ToHaveAttributeAsync("data-type", "reported");
        await Expect(item).ToContainTextAsync("上报");

        // An open grid panel follows its cases live, and the grid takes its colour.
        await page.Locator($"#map path[data-code='{grid}']").ClickAsync();
        await Expect(page.Locator($"#grid-cases li[data-case='{id}']")).ToBeVisibleAsync();
        var second = await platform.ReportCaseAsync(grid, "Second report");
        await Expect(page.Locator($"#grid-cases li[data-case='{second}']")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5000 });
        await Expect(page.Locator($"#feed li[data-case='{second}']")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 2000 });
        await Expect(page.Locator($"#map path[data-code='{grid}']")).ToHaveAttributeAsync("data-load", "open");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(CommandCentreFixture.Artifacts(), "command-centre-live.png") });
        AssertNoProblems();
    }

    [Fact]
    public async Task Clicking_a_grid_shows_its_open_cases()
    {
        var grid = platform.Grids.Keys.Order(StringComparer.Ordinal).ElementAt(123);
        var id = await platform.ReportCaseAsync(grid, "Broken street lamp");
        await Eventually.TrueAsync(
            async () => (await (await platform.SendAsync(HttpMethod.Get, $"/api/v1/territory/{grid}/open-cases")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().Any(c => c.GetProperty("id").GetString() == id),
            $"case {id} in the live view of grid {grid}");
        await Eventually.TrueAsync(
            async () => (await (await platform.SendAsync(HttpMethod.Get, $"/api/v1/territory/{CommandCentreFixture.District}/ranking?indicator=open&level=grid&limit=1000")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().Any(g => g.GetProperty("code").GetString() == grid && g.GetProperty("open").GetInt64() >= 1),
            $"grid {grid} ranked with an open case");

        var (_, key) = await platform.CreateKeyAsync(Roles.CommandCentre);
        var page = await OpenAsync();
        await SignInAsync(page, key);
        await Expect(Grids(page)).ToHaveCountAsync(platform.Grids.Count);

        // Coloured by its load: an open case, none overdue or warned.
        var path = page.Locator($"#map path[data-code='{grid}']");
        await Expect(path).ToHaveAttributeAsync("data-load", "open");
        await path.ClickAsync();

        var panel = page.Locator("#grid-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(page.Locator("#grid-title")).ToContainTextAsync(grid);
        var item = page.Locator($"#grid-cases li[data-case='{id}']");
        await Expect(item).ToBeVisibleAsync();
        await Expect(item).ToContainTextAsync("已上报");

        // Its description on demand.
        await item.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(item).ToContainTextAsync("Broken street lamp");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(CommandCentreFixture.Artifacts(), "command-centre.png") });
        AssertNoProblems();
    }

    [Fact]
    public async Task The_feed_reads_the_event_stream_and_resumes_with_the_last_event_id()
    {
        var (_, key) = await platform.CreateKeyAsync(Roles.CommandCentre);
        var grid = platform.Grids.Keys.Order(StringComparer.Ordinal).First();
        // 90 s over: the time over shows minutes and seconds, so it visibly ticks.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(-90).ToString("O");
        string Event(long position, string eventId, string caseId, string type, string state, bool overdue) => JsonSerializer.Serialize(new
        {
            position, eventId, type, caseId, version = position, territory = grid, at = DateTimeOffset.UtcNow.ToString("O"), actor = "system", note = (string?)null,
            @case = new
            {
                id = caseId, state, category = "event.other", source = "residentApp", gridCode = grid, lat = (double?)null, lon = (double?)null,
                address = (string?)null, priority = "normal", assignee = "w-1", deadline, warned = overdue, overdue, handledAt = "grid",
                reportedAt = DateTimeOffset.UtcNow.ToString("O"), closedAt = (string?)null, probableDuplicateOf = (string?)null,
                mergedInto = (string?)null, version = position,
            },
        });

        // The first connection only says where it starts (an id without data) and asks for quick reconnects; the second
        // delivers two events (CRLF line ends, a comment, an event of an unknown kind); the third repeats event 42,
        // which must show once. Each reconnection must carry the last id seen as Last-Event-ID.
        var streams = new[]
        {
            "retry: 200\n\n: live from now\nid: 40\n\n",
            $": keep-alive\r\n\r\nid: 41\r\nevent: case\r\ndata: {Event(41, "e-41", "460204-20260101-AAAA1", "reported", "reported", false)}\r\n\r\n"
                + "event: other\ndata: ignored\n\n"
                + $"id: 42\nevent: case\ndata: {Event(42, "e-42", "460204-20260101-AAAA2", "overdue", "dispatched", true)}\n\n",
            $"id: 42\nevent: case\ndata: {Event(42, "e-42", "460204-20260101-AAAA2", "overdue", "dispatched", true)}\n\n"
                + $"id: 43\nevent: case\ndata: {Event(43, "e-43", "460204-20260101-AAAA3", "filed", "filed", false)}\n\n",
        };
        var lastEventIds = new List<string?>();

        var page = await OpenAsync();
        await page.RouteAsync($"**/api/v1/territory/{CommandCentreFixture.District}/events", async route =>
        {
            string? body;
            lock (lastEventIds)
            {
                lastEventIds.Add(route.Request.Headers.TryGetValue("last-event-id", out var id) ? id : null);
                body = lastEventIds.Count <= streams.Length ? streams[lastEventIds.Count - 1] : null;
            }

            Assert.Equal(key, route.Request.Headers["x-api-key"]);
            await route.FulfillAsync(body is null
                ? new RouteFulfillOptions { Status = 404 }
                : new RouteFulfillOptions { Status = 200, ContentType = "text/event-stream", Body = body });
        });
        await SignInAsync(page, key);

        var feed = page.Locator("#feed li");
        await Expect(feed).ToHaveCountAsync(3);
        Assert.Equal(
            ["460204-20260101-AAAA3", "460204-20260101-AAAA2", "460204-20260101-AAAA1"],
            await feed.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.case)"));
        lock (lastEventIds)
        {
            Assert.Equal([null, "40", "42"], lastEventIds.Take(3));
        }

        // The overdue case joins the list of overdue cases, with its time over ticking.
        var overdue = page.Locator("#alerts li[data-case='460204-20260101-AAAA2']");
        await Expect(overdue).ToContainTextAsync("已超期");
        var before = await overdue.Locator(".time").TextContentAsync();
        await Expect(overdue.Locator(".time")).Not.ToHaveTextAsync(before!, new LocatorAssertionsToHaveTextOptions { Timeout = 3000 });
        AssertNoProblems();
    }

    [Fact]
    public async Task Labels_follow_the_browser_language_and_the_toggle()
    {
        var page = await OpenAsync(locale: "en-US");
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Sign in to the command centre" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "切换到中文" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "登录指挥中心" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.GetByLabel("API 密钥")).ToBeVisibleAsync();
        AssertNoProblems();
    }

    [Fact]
    public async Task A_wrong_or_revoked_key_leads_back_to_sign_in()
    {
        var page = await OpenAsync();
        await SignInAsync(page, "gg_0123456789abcdef_" + new string('x', 43));
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync("密钥无效");
        await Expect(page.Locator("#board")).ToBeHiddenAsync();

        var (id, key) = await platform.CreateKeyAsync(Roles.DistrictAdmin);
        await SignInAsync(page, key);
        await Expect(Grids(page)).ToHaveCountAsync(platform.Grids.Count);
        await Expect(page.Locator("#board")).ToBeVisibleAsync();

        using (var revoked = await platform.SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{id}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, revoked.StatusCode);
        }

        // Watching another node makes the page call the API again (requests still in flight may already have been refused).
        await page.EvaluateAsync("() => { location.hash = '#460204001'; }");

        await Expect(page.GetByLabel("API 密钥")).ToBeVisibleAsync();
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync("密钥无效");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('gridgov.apiKey')"));
        AssertNoProblems();
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(1920, 1080)]
    public async Task The_whole_board_fits_the_screen(int width, int height)
    {
        var (_, key) = await platform.CreateKeyAsync(Roles.CommandCentre);
        var page = await OpenAsync(width, height);
        await SignInAsync(page, key);
        await Expect(Grids(page)).ToHaveCountAsync(platform.Grids.Count);

        var overflow = await page.EvaluateAsync<int[]>(
            "() => [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]");
        Assert.True(overflow[0] <= 0 && overflow[1] <= 0, $"At {width}×{height} the page scrolls by {overflow[0]}×{overflow[1]} px.");
        foreach (var panel in new[] { "#map", "#kpis", "#alerts", "#feed" })
        {
            var box = await page.Locator(panel).BoundingBoxAsync();
            Assert.True(
                box is not null && box.X >= 0 && box.Y >= 0 && box.X + box.Width <= width && box.Y + box.Height <= height,
                $"{panel} at {width}×{height} is not on the screen: {box?.X},{box?.Y} {box?.Width}×{box?.Height}");
        }

        var map = await page.Locator("#map").BoundingBoxAsync();
        Assert.True(map!.Width >= width * 0.5 && map.Height >= height * 0.6, $"The map is only {map.Width}×{map.Height} at {width}×{height}.");
        AssertNoProblems();
    }

    [Fact]
    public async Task The_service_point_layer_is_drawn_when_toggled_and_a_layer_not_deployed_is_marked_unavailable()
    {
        var grid = platform.Grids.Keys.Order(StringComparer.Ordinal).ElementAt(5);
        var (lon, lat) = platform.Grids[grid];
        var id = $"{CommandCentreFixture.District}-SPbrowser{Guid.NewGuid():N}"[..(CommandCentreFixture.District.Length + 3 + 32)];
        using (var put = await platform.SendAsync(HttpMethod.Put, $"/api/v1/service-points/{id}", FormattableString.Invariant(
            $$"""{"kind":"elderCanteen","name":"长者饭堂","lat":{{lat}},"lon":{{lon}},"hours":[{"day":"monday","opens":"11:00","closes":"13:30"}]}""")))
        {
            await put.AssertOkAsync(System.Net.HttpStatusCode.Created);
        }

        var (_, key) = await platform.CreateKeyAsync(Roles.CommandCentre);
        var page = await OpenAsync();
        await SignInAsync(page, key);
        await Expect(Grids(page)).ToHaveCountAsync(platform.Grids.Count);
        var point = page.Locator($"#map circle[data-layer='service-points'][data-code='{id}']");
        await Expect(point).ToHaveCountAsync(0);

        await page.GetByLabel("服务点", new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await Expect(point).ToHaveCountAsync(1);
        await Expect(page.Locator("#layer-list li[data-layer='service-points']")).ToHaveAttributeAsync("data-state", "shown");
        await Expect(point.Locator("title")).ToHaveTextAsync(new Regex("长者饭堂.*周一 11:00–13:30"));

        // Police areas and cameras come from their own endpoints: drawn where deployed, marked unavailable (404) where
        // not, and the page goes on either way.
        await page.GetByLabel("警务网格", new PageGetByLabelOptions { Exact = true }).CheckAsync();
        await page.GetByLabel("摄像头", new PageGetByLabelOptions { Exact = true }).CheckAsync();
        foreach (var layer in new[] { "police-areas", "cameras" })
        {
            await Expect(page.Locator($"#layer-list li[data-layer='{layer}']")).ToHaveAttributeAsync("data-state", new Regex("^(shown|unavailable)$"));
        }

        await Expect(point).ToHaveCountAsync(1);
        await page.GetByLabel("服务点", new PageGetByLabelOptions { Exact = true }).UncheckAsync();
        await Expect(point).ToHaveCountAsync(0);
        await Expect(page.Locator("#map-note")).ToBeEmptyAsync();
        AssertNoProblems();
    }
}
