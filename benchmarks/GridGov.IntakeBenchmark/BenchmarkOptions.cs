using System.Globalization;
using System.Reflection;

namespace GridGov.IntakeBenchmark;

/// <summary>Which GridGov intake the load drives (the first is the one the target is about; the others isolate costs).</summary>
public enum GridGovVariant
{
    /// <summary>An <c>app</c> key scoped to the district, reporting by lat/lon: the real intake.</summary>
    App,

    /// <summary>The bootstrap operator key (checked in-process, no API-key grain), still routed by lat/lon.</summary>
    Operator,

    /// <summary>The operator key with <c>gridCode</c> given: no API-key grain and no locate.</summary>
    OperatorGridCode,

    /// <summary>Not intake: <c>GET /api/v1/locate</c> with the app key (the API-key grain and the district's index grain).</summary>
    Locate,

    /// <summary>Not intake: <c>POST /api/v1/households/import</c> of <see cref="BenchmarkOptions.Households"/> households as one CSV, with the operator key.</summary>
    Import,

    /// <summary>Not intake: <c>GET /api/v1/cases/{id}</c> with the app key, round-robin over cases it reported before the load.</summary>
    ReadCase,

    /// <summary>The real intake as <see cref="App"/>, with <c>GridGov:Telemetry:Enabled=false</c>: what the metrics cost.</summary>
    AppNoTelemetry,
}

/// <summary>The command line: <c>[--warmup S] [--duration S] [--connections N] [--grids N] [--rounds N] …</c>.</summary>
public sealed record BenchmarkOptions
{
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public int Connections { get; init; } = 64;

    /// <summary>Grids of the imported district (multiple of 8: 2 streets × 2 communities × grids/4).</summary>
    public int Grids { get; init; } = 32;

    /// <summary>How many times the pair (ceiling, then GridGov) runs, each on fresh databases.</summary>
    public int Rounds { get; init; } = 1;

    public bool RunCeiling { get; init; } = true;

    public IReadOnlyList<GridGovVariant> Variants { get; init; } = [GridGovVariant.App];

    /// <summary>Households in the <c>import</c> variant's one CSV upload (one or two residents each).</summary>
    public int Households { get; init; } = 100_000;

    /// <summary>Loads pg_stat_statements and prints each app's statements per request.</summary>
    public bool Profile { get; init; }

    /// <summary>PostgreSQL with fsync and synchronous commit (default: off, as ./test.sh runs it).</summary>
    public bool DurablePostgres { get; init; }

    /// <summary>Extra PostgreSQL settings (<c>name=value</c>), for both apps' server.</summary>
    public IReadOnlyList<string> PostgresSettings { get; init; } = [];

    /// <summary>The app servers' log level (both apps get the same). Default Warning: no line per request.</summary>
    public string LogLevel { get; init; } = "Warning";

    public string ApiDll { get; init; } = DefaultDll("GridGovApiDll", "GridGov.Api.dll");

    /// <summary>Where the servers' logs go (kept after the run); default: a new folder under the temp directory.</summary>
    public string? LogFolder { get; init; }

    /// <summary>A dotnet-trace executable: each server is sampled for up to 30 s of its measured window (perturbs the figures).</summary>
    public string? TraceTool { get; init; }

    /// <summary>
    /// Seconds of the paced phase after each app's measured window (0: none): an open-loop load at
    /// <see cref="PacedFraction"/> × the round's ceiling throughput, whose p99 is the one the latency target is about.
    /// </summary>
    public int PacedSeconds { get; init; } = 30;

    public double PacedFraction { get; init; } = 0.8;

    /// <summary>
    /// Gives the ceiling the Npgsql settings GridGov adds to its own connection string (no reset on close, automatic
    /// preparation), so the comparison is of the apps alone.
    /// </summary>
    public bool TunedCeiling { get; init; }

    /// <summary>The read paths (<c>locate</c>, <c>read-case</c>), whose reference is a bare Kestrel hello-world.</summary>
    public bool ReadsPaths => Variants.Any(IsRead);

    public static bool IsRead(GridGovVariant variant) => variant is GridGovVariant.Locate or GridGovVariant.ReadCase;

    /// <summary>
    /// After the ceiling and the variants, the app intake against this many headless silo processes each (in the order
    /// given), with the API as a pure cluster client; empty: none.
    /// </summary>
    public IReadOnlyList<int> SiloCounts { get; init; } = [];

    public string SiloDll { get; init; } = DefaultDll("GridGovSiloDll", "GridGov.Silo.dll");

    /// <summary>Server GC for the headless silos, as the benchmark gives the API (their own build's default is workstation GC).</summary>
    public bool SiloServerGc { get; init; } = true;

    /// <summary>Appends the results as Markdown rows to this file.</summary>
    public string? ResultsFile { get; init; }

    public static string Usage => """
        dotnet run -c Release --project benchmarks/GridGov.IntakeBenchmark -- [options]

          --warmup S         seconds of load before measuring, per app (default 60)
          --duration S       seconds measured, per app (default 60)
          --connections N    concurrent HTTP connections (default 64)
          --grids N          grids in the imported district, a multiple of 8 (default 32)
          --rounds N         run the pair ceiling → GridGov N times, each on fresh databases (default 1)
          --variants LIST    GridGov runs, comma-separated: app (default: the real intake with an app key),
                             operator (bootstrap key: no API-key grain), operator-gridcode (no API-key grain,
                             no locate), locate (GET /api/v1/locate with the app key; not intake), import
                             (POST /api/v1/households/import of --households households as one CSV with the
                             operator key, timed from upload start to job completion; not load), read-case
                             (GET /api/v1/cases/{id} with the app key over cases it reported first; not intake),
                             app-no-telemetry (app with GridGov:Telemetry:Enabled=false: the metrics' cost).
                             With locate or read-case, each round also loads a bare Kestrel hello-world in the
                             ceiling's process, before the variants and again after them (the read paths'
                             reference is the mean of the two; target ≥ 0.5 ×)
          --silos LIST       after the ceiling and the variants, the app intake once per silo count (e.g. 1,2,3):
                             N headless silo processes (src/Silo) and the API as a pure cluster client
                             (GridGov:HostSilo=false), on a fresh database each; CPU per silo is measured
          --silo-dll PATH    the GridGov.Silo.dll to run (default: src/Silo's build of this configuration)
          --silo-gc G        the headless silos' GC: server (default, as the API) or workstation (their build's own)
          --paced S          after each app's closed-loop window, S seconds of an open-loop load at a fixed
                             rate (--paced-fraction × the round's ceiling req/s; default 30 s, 0: none);
                             latency from each request's scheduled time: the p99 the target is about
          --paced-fraction F the paced rate as a fraction of the ceiling's closed-loop req/s (default 0.8)
          --tuned-ceiling    give the ceiling GridGov's Npgsql tuning (No Reset On Close, Max Auto Prepare=64,
                             Auto Prepare Min Usages=2), which GridGov adds to its own connection string
          --households N     households in the import variant's CSV, one or two residents each (default 100000)
          --no-ceiling       skip the ceiling app (ratios are then not printed)
          --profile          load pg_stat_statements and print each app's SQL per request
          --durable-pg       keep PostgreSQL's fsync/synchronous_commit on (default off, as ./test.sh)
          --pg-setting N=V   one more PostgreSQL setting for the run (repeatable), e.g. shared_buffers=2GB
          --log-level L      both servers' minimum log level (default Warning)
          --api-dll PATH     the GridGov.Api.dll to run (default: src/Api's build of this configuration)
          --logs DIR         keep the servers' logs in DIR (default: a temp folder, printed)
          --results FILE     append the results to FILE as Markdown table rows
          --trace PATH       sample each server with this dotnet-trace for up to 30 s of its measured window
                             (dotnet-sampled-thread-time), reports in the log folder; slows the servers a little
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Number(Value(), 0)) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number(Value(), 1)) },
                "--connections" => options with { Connections = Number(Value(), 1) },
                "--grids" => options with { Grids = MultipleOfEight(Number(Value(), 8)) },
                "--rounds" => options with { Rounds = Number(Value(), 1) },
                "--variants" => options with { Variants = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseVariant).ToArray() },
                "--silos" => options with { SiloCounts = SiloList(Value()) },
                "--silo-dll" => options with { SiloDll = Path.GetFullPath(Value()) },
                "--silo-gc" => options with { SiloServerGc = Value() switch { "server" => true, "workstation" => false, var g => throw new ArgumentException($"--silo-gc is server or workstation, not '{g}'.") } },
                "--households" => options with { Households = Number(Value(), 1) },
                "--tuned-ceiling" => options with { TunedCeiling = true },
                "--paced" => options with { PacedSeconds = Number(Value(), 0) },
                "--paced-fraction" => options with { PacedFraction = Fraction(Value()) },
                "--no-ceiling" => options with { RunCeiling = false },
                "--profile" => options with { Profile = true },
                "--durable-pg" => options with { DurablePostgres = true },
                "--pg-setting" => options with { PostgresSettings = [.. options.PostgresSettings, Setting(Value())] },
                "--log-level" => options with { LogLevel = Value() },
                "--api-dll" => options with { ApiDll = Path.GetFullPath(Value()) },
                "--logs" => options with { LogFolder = Path.GetFullPath(Value()) },
                "--results" => options with { ResultsFile = Path.GetFullPath(Value()) },
                "--trace" => options with { TraceTool = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return options.Variants.Count == 0 ? throw new ArgumentException("--variants names no variant.") : options;
    }

    public static string Name(GridGovVariant variant) => variant switch
    {
        GridGovVariant.App => "app",
        GridGovVariant.Operator => "operator",
        GridGovVariant.OperatorGridCode => "operator-gridcode",
        GridGovVariant.Locate => "locate",
        GridGovVariant.Import => "import",
        GridGovVariant.ReadCase => "read-case",
        GridGovVariant.AppNoTelemetry => "app-no-telemetry",
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    private static GridGovVariant ParseVariant(string name) =>
        Enum.GetValues<GridGovVariant>().FirstOrDefault(v => Name(v) == name, (GridGovVariant)(-1)) is var v && Enum.IsDefined(v)
            ? v
            : throw new ArgumentException($"Unknown variant '{name}': app, operator, operator-gridcode, locate, import, read-case or app-no-telemetry.");

    private static int Number(string text, int min) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"'{text}' is not a whole number ≥ {min}.");

    private static double Fraction(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var f) && f is > 0 and <= 2
            ? f
            : throw new ArgumentException($"'{text}' is not a fraction in (0, 2].");

    private static string Setting(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, "^[a-z_.]+=[A-Za-z0-9_.]+$")
            ? text
            : throw new ArgumentException($"'{text}' is not a PostgreSQL setting of the form name=value.");

    private static int[] SiloList(string text)
    {
        var counts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => Number(n, 1)).ToArray();
        return counts.Length == 0 || counts.Any(n => n > 8)
            ? throw new ArgumentException($"--silos takes silo counts from 1 to 8, comma-separated (e.g. 1,2,3), not '{text}'.")
            : counts;
    }

    private static int MultipleOfEight(int n) => n % 8 == 0 ? n : throw new ArgumentException("--grids must be a multiple of 8.");

    private static string DefaultDll(string key, string fallback) =>
        typeof(BenchmarkOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value ?? fallback;

    public static string BuildConfiguration =>
        typeof(BenchmarkOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "?";
}
