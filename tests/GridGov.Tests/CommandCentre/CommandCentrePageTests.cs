using System.Net;
using System.Text.RegularExpressions;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.CommandCentre;

/// <summary>How the API serves the page: at /, with its own CSP, revalidated; assets versioned and cached for a year.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class CommandCentrePageTests(ApiFactory factory)
{
    private const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_page_is_served_at_the_root_with_its_policy_and_revalidated_on_every_load()
    {
        using var response = await _client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(PagePolicy, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.NotNull(response.Headers.ETag);
        Assert.DoesNotContain("{{version}}", html, StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"/assets/", html, StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var revalidated = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task The_page_has_no_inline_script_or_style_and_loads_nothing_from_elsewhere()
    {
        var html = await _client.GetStringAsync("/");
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(StyleAttribute(), html);
        Assert.DoesNotMatch(OnHandlerAttribute(), html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        foreach (var asset in await AllAssetsAsync())
        {
            var text = await _client.GetStringAsync(asset);
            Assert.DoesNotContain("innerHTML", text, StringComparison.Ordinal);
            Assert.DoesNotContain("setAttribute('style'", text, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
            Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Assets_have_their_content_types_and_are_cached_for_a_year()
    {
        var assets = await AllAssetsAsync();
        Assert.Contains(assets, a => a.EndsWith("/js/main.js", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await _client.GetAsync(asset);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
            var expected = Path.GetExtension(asset) switch
            {
                ".js" => "text/javascript",
                ".css" => "text/css",
                ".svg" => "image/svg+xml",
                var other => throw new InvalidOperationException($"{asset}: no expectation for {other}"),
            };
            Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
            Assert.Contains(response.Headers.CacheControl!.Extensions, e => e.Name == "immutable");
        }
    }

    [Fact]
    public async Task An_asset_of_another_version_is_not_kept_and_an_unknown_one_is_404()
    {
        using var stale = await _client.GetAsync("/assets/0000000000000000/js/main.js");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.True(stale.Headers.CacheControl?.NoCache, $"Cache-Control: {stale.Headers.CacheControl}");

        var version = Version().Match(await _client.GetStringAsync("/")).Groups[1].Value;
        using var missing = await _client.GetAsync($"/assets/{version}/js/missing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var path in new[] { $"/assets/{version}/", $"/assets/{version}/%2E%2E/%2E%2E/appsettings.json", "/assets/appsettings.json" })
        {
            using var outside = await _client.GetAsync(path);
            Assert.True(outside.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)outside.StatusCode}");
        }
    }

    [Fact]
    public async Task The_api_keeps_its_own_policy()
    {
        using var response = await _client.GetAsync("/api/v1/caller");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    /// <summary>The assets the page names, and the modules those import, found by following the links.</summary>
    private async Task<List<string>> AllAssetsAsync()
    {
        var html = await _client.GetStringAsync("/");
        var pending = new Queue<string>(AssetLink().Matches(html).Select(m => m.Groups[1].Value));
        var seen = new List<string>();
        while (pending.TryDequeue(out var asset))
        {
            if (seen.Contains(asset))
            {
                continue;
            }

            seen.Add(asset);
            if (asset.EndsWith(".js", StringComparison.Ordinal))
            {
                var folder = asset[..(asset.LastIndexOf('/') + 1)];
                var script = await _client.GetStringAsync(asset);
                foreach (Match import in ModuleImport().Matches(script))
                {
                    pending.Enqueue(new Uri(new Uri("http://page" + folder), import.Groups[1].Value).AbsolutePath);
                }
            }
            else if (asset.EndsWith(".css", StringComparison.Ordinal))
            {
                var folder = asset[..(asset.LastIndexOf('/') + 1)];
                foreach (Match url in CssUrl().Matches(await _client.GetStringAsync(asset)))
                {
                    pending.Enqueue(folder + url.Groups[1].Value);
                }
            }
        }

        return seen;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    [GeneratedRegex("(?:src|href)=\"(/assets/[^\"]+)\"")]
    private static partial Regex AssetLink();

    [GeneratedRegex("""from '(\./[^']+)'""")]
    private static partial Regex ModuleImport();

    [GeneratedRegex("""url\("([^"]+)"\)""")]
    private static partial Regex CssUrl();

    [GeneratedRegex("""/assets/([0-9a-f]{16})/""")]
    private static partial Regex Version();

    [GeneratedRegex("""<script(?![^>]*\ssrc=)[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("""\sstyle\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex("""\son[a-z]+\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex OnHandlerAttribute();
}
