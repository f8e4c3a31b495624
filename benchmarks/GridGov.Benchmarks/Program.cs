using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace GridGov.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/GridGov.Benchmarks [-- options]</c>: imports the 10 000-grid
/// district once (printing the import throughput and the cold start), then runs the benchmarks on it.
/// Options of its own, taken out before BenchmarkDotNet reads the rest: <c>import</c> only imports and prints;
/// <c>latency</c> times single calls instead (<see cref="LatencyRun"/>; <c>--calls N</c>, default 20 000 per case);
/// <c>--import-parallelism N</c> sets the concurrent upserts of the import (default 16, as the API's import).
/// With <c>GRIDGOV_BENCHMARK_DATA</c> naming a folder a previous run imported, that folder is reused.
/// See docs/benchmarks.md.
/// </summary>
public static class Program
{
    private static readonly string[] InfoOptions = ["--list", "--help", "-h", "--info", "--version"];

    public static async Task<int> Main(string[] args)
    {
        if (args.Any(InfoOptions.Contains))
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }

        var rest = new List<string>(args);
        var importOnly = rest.Remove("import");
        var latency = rest.Remove("latency");
        var calls = TakeOption(rest, "--calls") is { } c ? int.Parse(c, NumberStyles.None, CultureInfo.InvariantCulture) : 20_000;
        var parallelism = TakeOption(rest, "--import-parallelism") is { } p
            ? int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)
            : BenchmarkDistrict.DefaultImportParallelism;

        var folder = BenchmarkData.ImportedFolder();
        if (folder is null || importOnly)
        {
            (folder, var report) = await BenchmarkData.ImportFreshAsync(parallelism);
            Print($"GridGov import ({parallelism} concurrent upserts): {report.Nodes} nodes ({report.Grids} grids) in {report.Total.TotalSeconds:F1} s = {report.NodesPerSecond:F1} nodes/s;");
            Print($"  the grid level alone: {report.GridLevel.TotalSeconds:F1} s = {report.GridsPerSecond:F1} grids/s.");
        }
        else
        {
            Print($"GridGov: reusing the district imported in {folder} ({BenchmarkData.FolderVariable}).");
        }

        var (start, firstIndex, firstLocator) = await BenchmarkData.ColdStartAsync(folder);
        Print($"GridGov cold start on {folder}: host started in {start.TotalMilliseconds:F0} ms;");
        Print($"  first index-grain locate (activation: rows loaded, geometries prepared, STR-tree built) {firstIndex.TotalMilliseconds:F0} ms; first locator locate {firstLocator.TotalMilliseconds:F0} ms.");

        if (importOnly)
        {
            return 0;
        }

        if (latency)
        {
            await LatencyRun.RunAsync(folder, calls);
            return 0;
        }

        // BenchmarkDotNet's child processes inherit the environment: they start their hosts on this folder.
        Environment.SetEnvironmentVariable(BenchmarkData.FolderVariable, folder);
        var config = DefaultConfig.Instance.WithArtifactsPath(ArtifactsPath());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static string? TakeOption(List<string> args, string name)
    {
        var at = args.IndexOf(name);
        if (at < 0 || at == args.Count - 1)
        {
            return null;
        }

        var value = args[at + 1];
        args.RemoveRange(at, 2);
        return value;
    }

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>artifacts/benchmarks</c> at the repository root (the folder holding orleans.sln), else beside the binaries.</summary>
    private static string ArtifactsPath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "orleans.sln")))
            {
                return Path.Combine(folder.FullName, "artifacts", "benchmarks");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");
    }
}
