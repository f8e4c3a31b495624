using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GridGov.Tests.Cluster;
using GridGov.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridGov.Tests.Telemetry;

/// <summary>
/// Debian's Prometheus, for real: <c>promtool check metrics</c> parses what GridGov exports, and a Prometheus server
/// started here scrapes the plain metrics port of a running API (a real Kestrel listener) and of the headless silo
/// executable, and answers a PromQL query for a GridGov meter. ./test.sh installs the package and sets
/// GRIDGOV_TEST_PROMETHEUS to the folder of its binaries.
/// </summary>
public sealed class PrometheusTests(ITestOutputHelper log)
{
    public const string EnvironmentVariable = "GRIDGOV_TEST_PROMETHEUS";

    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_scrapes_the_api_and_the_silo_and_answers_for_a_gridgov_meter()
    {
        var bin = PrometheusBin();
        var metricsPort = Fresh.Port();
        await using var api = new ApiFactory(Fresh.TempFolder(), new Dictionary<string, string?>
        {
            ["GridGov:Telemetry:MetricsPort"] = metricsPort.ToString(CultureInfo.InvariantCulture),
        });
        using var client = api.CreateOperatorClient();
        var land = new Live.Territory(Fresh.District());
        await land.ImportAsync(client);
        await land.ReportAsync(client);

        var siloMetricsPort = Fresh.Port();
        await using var silo = SiloProcess.Start("silo", new Dictionary<string, string>
        {
            ["GridGov__SiloPort"] = Fresh.Port().ToString(CultureInfo.InvariantCulture),
            ["GridGov__GatewayPort"] = Fresh.Port().ToString(CultureInfo.InvariantCulture),
            ["GridGov__Telemetry__MetricsPort"] = siloMetricsPort.ToString(CultureInfo.InvariantCulture),
        });

        try
        {
            // 1. promtool parses both exports; it may only warn about other libraries' names (Orleans', .NET's), never GridGov's.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var reported = $"gridgov_cases_reported_total{{otel_scope_name=\"GridGov\",district=\"{land.District}\"}} 1";
            var apiText = await Eventually.MatchesAsync(
                () => ScrapeAsync(http, metricsPort), t => t.Contains(reported, StringComparison.Ordinal),
                $"the API's metrics port to show {reported}", ScrapeTimeout, Reported);
            await AssertPromtoolAcceptsAsync(bin, apiText, "the API's metrics");

            var siloText = await Eventually.MatchesAsync(
                () => ScrapeAsync(http, siloMetricsPort), t => t.Contains("# TYPE orleans_", StringComparison.Ordinal),
                "the silo's metrics port to show Orleans' meter", ScrapeTimeout, t => Tail(t) + "\n" + silo.Output);
            await AssertPromtoolAcceptsAsync(bin, siloText, "the silo's metrics");

            // 2. A Prometheus server scrapes both every second and answers PromQL.
            await using var prometheus = await PrometheusServer.StartAsync(bin, [("api", metricsPort), ("silo", siloMetricsPort)]);
            var query = $"sum(gridgov_cases_reported_total{{job=\"api\",district=\"{land.District}\"}})";
            var value = await Eventually.MatchesAsync(
                () => prometheus.QueryAsync(query), v => v >= 1, $"Prometheus to answer {query} with at least 1", ScrapeTimeout,
                v => $"{v} ({prometheus.Output})");
            log.WriteLine($"{query} = {value}");

            await Eventually.MatchesAsync(
                () => prometheus.QueryAsync("up{job=\"silo\"}"), v => v == 1, "Prometheus to see the silo up", ScrapeTimeout,
                v => $"{v} ({prometheus.Output})");
        }
        catch (Exception e)
        {
            // Whatever failed, show what the silo said.
            throw new ClusterTestFailure(e, [silo.Output]);
        }
    }

    private static string PrometheusBin()
    {
        var bin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        Assert.False(string.IsNullOrWhiteSpace(bin), $"{EnvironmentVariable} is not set: run ./test.sh, which installs Debian's prometheus package and sets it.");
        foreach (var tool in new[] { "prometheus", "promtool" })
        {
            Assert.True(File.Exists(Path.Combine(bin!, tool)), $"{EnvironmentVariable}={bin} has no {tool}: install Debian's prometheus package (./test.sh does).");
        }

        return bin!;
    }

    private static async Task<string> ScrapeAsync(HttpClient http, int port)
    {
        try
        {
            return await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        }
        catch (HttpRequestException e)
        {
            // Not listening yet.
            return e.Message;
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];

    /// <summary>
    /// What the scrape said of the reported-cases counter (every district's series and any overflow series: every host
    /// in the test process records on a meter of that name), so a failure shows why the expected series was missing.
    /// </summary>
    private static string Reported(string text)
    {
        var lines = text.Split('\n').Where(l => l.StartsWith("gridgov_cases_reported_total", StringComparison.Ordinal)).ToList();
        return $"{lines.Count} gridgov_cases_reported_total series: {string.Join("\n", lines.Take(20))}{(lines.Count > 20 ? "\n…" : "")}\n{text.Length} characters in all";
    }

    /// <summary>
    /// Exit 0 is clean and 3 is lint problems only (both on stderr, one per line); 1 is text promtool could not parse.
    /// </summary>
    private async Task AssertPromtoolAcceptsAsync(string bin, string metrics, string what)
    {
        var info = new ProcessStartInfo(Path.Combine(bin, "promtool"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var promtool = Process.Start(info)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(metrics);
        promtool.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await promtool.WaitForExitAsync(timeout.Token);
        var lines = ((await stdout) + (await stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // promtool reports a text it cannot parse as "error while linting: …" (exit 1); exit 3 is lint warnings only, one
        // line per metric name, and a name may itself contain "error".
        var errors = lines.Where(l => l.StartsWith("error", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(promtool.ExitCode is 0 or 3 && errors.Count == 0,
            $"promtool check metrics could not parse {what} (exit {promtool.ExitCode}):\n{string.Join("\n", lines.Take(50))}");
        var own = lines.Where(l => l.StartsWith("gridgov_", StringComparison.Ordinal)).ToList();
        Assert.True(own.Count == 0, $"promtool warns about GridGov's own metrics in {what}:\n{string.Join("\n", own)}");
        var others = lines.Select(l => l.Split('_')[0]).GroupBy(p => p).Select(g => $"{g.Key}_*: {g.Count()}");
        log.WriteLine($"promtool on {what}: exit {promtool.ExitCode}; lint warnings about other libraries' names: {string.Join(", ", others)}");
    }

    /// <summary>A Prometheus server on a free port with a temporary data folder, scraping the given targets every second.</summary>
    private sealed class PrometheusServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _folder;
        private readonly HttpClient _http;
        private readonly StringBuilder _output = new();

        private PrometheusServer(Process process, string folder, int port)
        {
            _process = process;
            _folder = folder;
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.Length <= 3000 ? _output.ToString() : "…" + _output.ToString()[^3000..];
                }
            }
        }

        public static async Task<PrometheusServer> StartAsync(string bin, IReadOnlyList<(string Job, int Port)> targets)
        {
            var folder = Fresh.TempFolder();
            var config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n");
            foreach (var (job, target) in targets)
            {
                config.Append(CultureInfo.InvariantCulture, $"  - job_name: {job}\n    static_configs:\n      - targets: ['127.0.0.1:{target}']\n");
            }

            var configFile = Path.Combine(folder, "prometheus.yml");
            await File.WriteAllTextAsync(configFile, config.ToString());

            var port = Fresh.Port();
            var info = new ProcessStartInfo(Path.Combine(bin, "prometheus"))
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add($"--config.file={configFile}");
            info.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(folder, "data")}");
            info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
            var process = new Process { StartInfo = info };
            var server = new PrometheusServer(process, folder, port);
            process.OutputDataReceived += (_, e) => server.Add(e.Data);
            process.ErrorDataReceived += (_, e) => server.Add(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await Eventually.TrueAsync(server.ReadyAsync, "Prometheus to be ready", ScrapeTimeout);
            return server;
        }

        /// <summary>The value of an instant query's first sample; NaN while it has none.</summary>
        public async Task<double> QueryAsync(string promql)
        {
            using var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0
                ? double.NaN
                : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }

        private async Task<bool> ReadyAsync()
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with {_process.ExitCode}: {Output}");
            }

            try
            {
                using var response = await _http.GetAsync("/-/ready");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        private void Add(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
