using System.Globalization;

namespace GridGov.Demo;

internal sealed class OptionsException(string message) : Exception(message);

internal sealed record Options(
    Uri Url, string? Key, string KeyFile, int Seed, int Households, int Members, int Cases, int Concurrency, double Rate, bool DryRun,
    string Out, TimeSpan ProgressInterval)
{
    public const int DefaultHouseholds = 6_000;
    public const int DefaultMembers = 4_000;
    public const int DefaultCases = 600;

    public const string Usage = """
        GridGov demo data: a district shaped like Tianya, Sanya (DOMAIN.md §8), loaded through the HTTP API.

        dotnet run --project tools/GridGov.Demo -- [options]

          --url <url>             GridGov's address (default http://localhost:5000)
          --key <key>             an operator or district-admin API key for 460204 (X-Api-Key)
          --key-file <path>       read the key from this file when --key is absent (default src/Api/data/bootstrap-api-key)
          --seed <n>              the same seed makes the same data (default 42)
          --households <n>        households to load, 0 for none (default 6000; the reference district has 60000)
          --members <n>           Party members to load, 0 for none (default 4000)
          --cases <n>             cases of the month to report and take through the loop, 0 for none (default 600)
          --concurrency <n>       requests in flight at most (default 12)
          --rate <n>              requests per second at most, 0 for no pacing (default 180, under the operator
                                  key's 200/s; a 429 is waited out in any case)
          --progress <seconds>    how often to print progress (default 5)
          --dry-run               touch no server: write the territory GeoJSON to --out and print what would be loaded
          --out <path>            the --dry-run file (default tianya-demo.geojson)
          --help                  this text

        Running it again with the same options changes nothing. Exit code: 0 when every request succeeded, 1 when any
        failed (each is printed with its problem body), 2 for a usage error.
        """;

    /// <summary>The options, or null when --help asks for the usage text.</summary>
    public static Options? Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        string[] known = ["--url", "--key", "--key-file", "--seed", "--households", "--members", "--cases", "--concurrency", "--rate", "--progress", "--out"];
        string[] switches = ["--dry-run", "--help"];
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal) ? (n, v) : (args[i], null);
            if (switches.Contains(name) && inline is null)
            {
                flags.Add(name);
            }
            else if (known.Contains(name))
            {
                values[name] = inline ?? (i + 1 < args.Count ? args[++i] : throw new OptionsException($"{name} needs a value."));
            }
            else
            {
                throw new OptionsException($"Unknown argument '{args[i]}'.");
            }
        }

        if (flags.Contains("--help"))
        {
            return null;
        }

        var url = values.GetValueOrDefault("--url", "http://localhost:5000");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new OptionsException($"--url must be an http(s) address, not '{url}'.");
        }

        return new Options(
            uri,
            values.GetValueOrDefault("--key"),
            values.GetValueOrDefault("--key-file", Path.Combine("src", "Api", "data", "bootstrap-api-key")),
            Number(values, "--seed", 42, int.MinValue, int.MaxValue),
            Number(values, "--households", DefaultHouseholds, 0, 999_999),
            Number(values, "--members", DefaultMembers, 0, 99_999),
            Number(values, "--cases", DefaultCases, 0, 99_999),
            Number(values, "--concurrency", 12, 1, 256),
            Number(values, "--rate", 180, 0, 100_000),
            flags.Contains("--dry-run"),
            values.GetValueOrDefault("--out", "tianya-demo.geojson"),
            TimeSpan.FromSeconds(Number(values, "--progress", 5, 1, 3600)));
    }

    /// <summary>The key: --key, else the first line of --key-file.</summary>
    public string ReadKey()
    {
        if (Key is { Length: > 0 })
        {
            return Key;
        }

        if (!File.Exists(KeyFile))
        {
            throw new OptionsException($"No --key given and no key file at {Path.GetFullPath(KeyFile)}; pass --key or --key-file.");
        }

        var key = File.ReadAllText(KeyFile).Trim();
        return key.Length > 0 ? key : throw new OptionsException($"The key file {Path.GetFullPath(KeyFile)} is empty.");
    }

    private static int Number(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new OptionsException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
    }
}
