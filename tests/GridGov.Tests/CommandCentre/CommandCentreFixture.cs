using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Cluster;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GridGov.Tests.CommandCentre;

/// <summary>
/// A running platform for a real browser: the API in Embedded mode listening on a free port (Kestrel, temp data
/// folder), the reference district's territory as the demo tool plans it (<c>tools/GridGov.Demo --dry-run</c>, imported
/// through the API), and Debian's Chromium driven by Playwright (never a browser Playwright downloads).
/// </summary>
public sealed class CommandCentreFixture : IAsyncLifetime
{
    public const string District = "460204";

    private static readonly TimeSpan DemoTimeout = TimeSpan.FromSeconds(60);

    private readonly ApiFactory _api = new();

    public Uri Address { get; private set; } = null!;

    public string OperatorKey { get; private set; } = "";

    public HttpClient Http { get; } = new();

    /// <summary>The district's comprehensive grids (code → a point inside it, lon/lat).</summary>
    public IReadOnlyDictionary<string, (double Lon, double Lat)> Grids { get; private set; } = new Dictionary<string, (double, double)>();

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // An explicit loopback endpoint on port 0: the system picks a free port, so parallel runs never collide.
        _api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _api.StartServer();
        Address = new Uri(_api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        OperatorKey = (await File.ReadAllTextAsync(Path.Combine(_api.DataFolder, "bootstrap-api-key"))).Trim();
        Http.BaseAddress = Address;

        var territory = await PlanDistrictAsync();
        // A 503 asks the client to retry (the import is idempotent): on a busy machine the embedded SQLite database can
        // keep a district's import waiting past its deadline, and a client that retries gets the district the next time.
        HttpResponseMessage answer;
        var attempts = 0;
        do
        {
            using var import = new HttpRequestMessage(HttpMethod.Post, "/api/v1/territory/import") { Content = new StringContent(territory, Encoding.UTF8, "application/json") };
            import.Headers.Add("X-Api-Key", OperatorKey);
            answer = await Http.SendAsync(import);
        }
        while (answer.StatusCode == HttpStatusCode.ServiceUnavailable && ++attempts < 3);

        var result = await answer.AssertOkAsync();
        Assert.Equal(0, result.GetProperty("rejected").GetArrayLength());
        Grids = InsidePoints(territory);

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        Http.Dispose();
        await _api.DisposeAsync();
    }

    /// <summary>Issues a key through the API (as the operator) and answers the key itself.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string role, string scope = District)
    {
        var body = await (await SendAsync(HttpMethod.Post, "/api/v1/api-keys", $$"""{"name":"{{role}} wall screen","role":"{{role}}","scope":"{{scope}}"}"""))
            .AssertOkAsync(System.Net.HttpStatusCode.Created);
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    /// <summary>Reports a case at a point inside the grid, as a grid worker on patrol would (an operator key); answers its id.</summary>
    public async Task<string> ReportCaseAsync(string grid, string description)
    {
        var (lon, lat) = Grids[grid];
        var body = FormattableString.Invariant(
            $$"""{"category":"event.other","description":"{{description}}","source":"gridPatrol","lat":{{lat}},"lon":{{lon}}}""");
        var created = await (await SendAsync(HttpMethod.Post, "/api/v1/cases", body)).AssertOkAsync(System.Net.HttpStatusCode.Created);
        Assert.Equal(grid, created.GetProperty("gridCode").GetString());
        return created.GetProperty("id").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", OperatorKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    /// <summary>The repository's <c>artifacts</c> folder (next to orleans.sln), created when missing.</summary>
    public static string Artifacts()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "orleans.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(folder.FullName, "artifacts")).FullName;
            }
        }

        throw new InvalidOperationException($"No orleans.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Debian's Chromium (test.sh installs it), or the browser GRIDGOV_CHROMIUM names.</summary>
    internal static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("GRIDGOV_CHROMIUM") is { Length: > 0 } chosen ? chosen : "/usr/bin/chromium";
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"No browser at {path}: run ./test.sh (it installs Debian's chromium) or apt-get install chromium.");
    }

    /// <summary>The demo tool's territory for the reference district, planned without a server (--dry-run).</summary>
    private static async Task<string> PlanDistrictAsync()
    {
        var folder = Fresh.TempFolder();
        var output = Path.Combine(folder, "tianya.geojson");
        var info = new ProcessStartInfo(SiloBinary.DotnetHost())
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DemoTool());
        info.ArgumentList.Add("--dry-run");
        info.ArgumentList.Add("--out");
        info.ArgumentList.Add(output);

        using var process = Process.Start(info) ?? throw new InvalidOperationException("The demo tool did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(DemoTimeout);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"The demo tool's dry run failed ({process.ExitCode}): {await stdout}{await stderr}");
        var territory = await File.ReadAllTextAsync(output);
        Directory.Delete(folder, recursive: true);
        return territory;
    }

    /// <summary>GridGov.Demo.dll: built next to the tests (they reference it), else in its own bin folder.</summary>
    internal static string DemoTool()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "GridGov.Demo.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var own = Path.Combine(tfm.Parent!.Parent!.Parent!.Parent!.Parent!.FullName, "tools", "GridGov.Demo", "bin", tfm.Parent.Name, tfm.Name, "GridGov.Demo.dll");
        return File.Exists(own) ? own : throw new InvalidOperationException($"GridGov.Demo.dll is neither at {beside} nor at {own}: build the solution first.");
    }

    /// <summary>Every comprehensive grid with a point inside it: the mean of its (convex, four-sided) ring's corners.</summary>
    private static Dictionary<string, (double Lon, double Lat)> InsidePoints(string territory)
    {
        using var document = JsonDocument.Parse(territory);
        var grids = new Dictionary<string, (double, double)>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            var code = feature.GetProperty("properties").GetProperty("code").GetString()!;
            if (code.Length != 15)
            {
                continue;
            }

            var ring = feature.GetProperty("geometry").GetProperty("coordinates")[0].EnumerateArray()
                .Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToArray()[..^1];
            grids[code] = (Math.Round(ring.Average(p => p.Lon), 6), Math.Round(ring.Average(p => p.Lat), 6));
        }

        return grids;
    }
}
