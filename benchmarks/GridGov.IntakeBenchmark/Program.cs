using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace GridGov.IntakeBenchmark;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/GridGov.IntakeBenchmark -- --warmup 60 --duration 60</c>: starts a
/// throwaway PostgreSQL, then for each round runs the bare ceiling app and GridGov's API (src/Api, Cluster mode,
/// co-hosted silo) in turn, each in its own process on its own fresh database, loads each with the same closed-loop
/// HTTP load (warm-up, then the measured window), and prints requests/s, p50/p99, errors, where the CPU went and the
/// ratio GridGov/ceiling. Everything it starts is stopped at the end, on failure, on Ctrl-C and when its time bound
/// passes. See docs/benchmarks.md, "Case intake".
/// </summary>
public static class Program
{
    private const double TargetRatio = 0.8;
    private const double TargetP99Ms = 50;
    private const double TargetImportRatio = 0.5;
    private const double TargetReadRatio = 0.5;
    private static readonly Lock Output = new();

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == CeilingServer.Command)
        {
            return await CeilingServer.RunAsync(args[1..]);
        }

        if (args.Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine(BenchmarkOptions.Usage);
            return 0;
        }

        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"intake-benchmark: {e.Message}\n\n{BenchmarkOptions.Usage}");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Print("intake-benchmark: interrupted; stopping the servers and PostgreSQL…");
            cancel.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }

        var apps = (options.RunCeiling ? 1 : 0) + (options.RunCeiling && options.ReadsPaths ? 1 : 0) + options.Variants.Count + options.SiloCounts.Count;
        var bound = (options.Rounds * apps * (options.Warmup + options.Duration + TimeSpan.FromMinutes(8))) + TimeSpan.FromMinutes(3);
        if (options.Variants.Contains(GridGovVariant.Import))
        {
            // Room for an import as slow as 100 households/s.
            bound += options.Rounds * TimeSpan.FromSeconds(options.Households / 100.0);
        }

        cancel.CancelAfter(bound);

        PrintMachine(options, bound);
        var logFolder = options.LogFolder ?? Directory.CreateTempSubdirectory("gridgov-intake-logs.").FullName;
        Directory.CreateDirectory(logFolder);
        var runs = new List<AppRun>();
        var imports = new List<ImportRun>();
        var siloRuns = new List<AppRun>();
        try
        {
            await using var postgres = await PostgresServer.StartAsync(options.DurablePostgres, options.Profile, options.PostgresSettings, cancel.Token);
            Print($"PostgreSQL {postgres.Version} on 127.0.0.1:{postgres.Port} ({(options.DurablePostgres ? "durable" : "fsync=off, synchronous_commit=off, full_page_writes=off, as ./test.sh")}{string.Concat(options.PostgresSettings.Select(setting => ", " + setting))}); server logs in {logFolder}");
            if (options.Profile)
            {
                await postgres.ExecuteAsync("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", cancel.Token);
            }

            var runner = new Runner(options, postgres, logFolder, new District(options.Grids));
            for (var round = 1; round <= options.Rounds; round++)
            {
                if (options.RunCeiling)
                {
                    runs.AddRange(await runner.RunCeilingAsync(round, cancel.Token));
                }

                foreach (var variant in options.Variants)
                {
                    if (variant == GridGovVariant.Import)
                    {
                        imports.Add(await runner.RunImportAsync(round, cancel.Token));
                    }
                    else
                    {
                        runs.Add(await runner.RunGridGovAsync(round, variant, cancel.Token));
                    }
                }

                if (options.ReadsPaths && options.RunCeiling)
                {
                    // The machine's speed drifts by a fifth over minutes: the read paths are judged against the mean
                    // of the hello-world measured before them and this one after them.
                    runs.AddRange(await runner.RunCeilingAsync(round, cancel.Token, helloOnly: true));
                }

                foreach (var silos in options.SiloCounts)
                {
                    siloRuns.Add(await runner.RunSilosAsync(round, silos, cancel.Token));
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Print($"intake-benchmark: stopped (interrupted, or past its bound of {bound.TotalMinutes:F0} min); everything it started is stopped.");
            Summarize(runs, imports);
            SiloSummary.Print(siloRuns, runs);
            Print($"load average after: {Runner.LoadAverage()}");
            return 130;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"intake-benchmark: failed: {e}");
            Summarize(runs, imports);
            SiloSummary.Print(siloRuns, runs);
            Print($"load average after: {Runner.LoadAverage()}");
            return 1;
        }

        var met = Summarize(runs, imports);
        SiloSummary.Print(siloRuns, runs);
        Print($"load average after: {Runner.LoadAverage()}");
        if (options.ResultsFile is { } file)
        {
            await File.AppendAllTextAsync(file, Markdown(runs) + Markdown(imports, runs) + SiloSummary.Markdown(siloRuns, runs), CancellationToken.None);
            Print($"results appended to {file}");
        }

        // Missing a target is a result, printed above; errors (non-2xx answers) make the run invalid.
        Print(met ? "targets met in every round" : "targets NOT met in every round (see above)");
        // An import that did not create every household, or rejected any, is invalid too.
        return runs.Concat(siloRuns).Any(r => r.Load.Errors + r.Load.WarmupErrors > 0) || imports.Any(i => !i.Correct) ? 3 : 0;
    }

    public static void Print(string line)
    {
        lock (Output)
        {
            Console.WriteLine(line);
        }
    }

    private static void PrintMachine(BenchmarkOptions options, TimeSpan bound)
    {
        var cpu = Safe(() => File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim());
        var memory = Safe(() => File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Print($"GridGov case-intake benchmark, {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
        Print($"machine: {Environment.ProcessorCount} cores ({cpu ?? "?"}), {(memory is null ? "?" : $"{long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024} GiB")}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Print($"load average before: {Runner.LoadAverage()}");
        Print($"options: warm-up {options.Warmup.TotalSeconds:F0} s, measured {options.Duration.TotalSeconds:F0} s, {options.Connections} connections, {options.Grids} grids, "
            + $"{options.Rounds} round(s), GridGov variants {string.Join(", ", options.Variants.Select(BenchmarkOptions.Name))}{(options.Variants.Contains(GridGovVariant.Import) ? $" ({options.Households} households)" : "")}, log level {options.LogLevel}, "
            + (options.SiloCounts.Count == 0 ? "" : $"headless silos {string.Join(", ", options.SiloCounts)} ({(options.SiloServerGc ? "server" : "workstation")} GC), ")
            + $"ceiling {(options.TunedCeiling ? "with GridGov's Npgsql tuning" : "with Npgsql's defaults")}, paced phase {(options.PacedSeconds == 0 ? "none" : $"{options.PacedSeconds} s at {options.PacedFraction:0.##} × the ceiling")}, bound {bound.TotalMinutes:F0} min");
        Print($"GridGov API: {options.ApiDll}{(options.SiloCounts.Count == 0 ? "" : $"; silo: {options.SiloDll}")}");
        if (BenchmarkOptions.BuildConfiguration != "Release")
        {
            Print($"warning: this is a {BenchmarkOptions.BuildConfiguration} build; run with -c Release for figures that mean anything.");
        }
    }

    /// <summary>
    /// Prints the table and, per round, whether GridGov's app intake and household import (those that ran) met their
    /// targets; true when every round did.
    /// </summary>
    private static bool Summarize(IReadOnlyList<AppRun> runs, IReadOnlyList<ImportRun> imports)
    {
        if (runs.Count == 0)
        {
            return false;
        }

        Print("");
        Print("| round | app | req/s | p50 ms | p99 ms | errors | GridGov/ceiling | CPU cores server / PostgreSQL / load / other | server+PostgreSQL CPU µs/req | projected / acknowledged | paced: req/s offered, p50 / p99 ms, errors |");
        Print("|---|---|---:|---:|---:|---:|---:|---|---:|---|---|");
        foreach (var r in runs)
        {
            var ceiling = runs.FirstOrDefault(c => c.Round == r.Round && c.App == "ceiling");
            var ratio = ceiling is null || r.App == "ceiling" ? "" : $"{r.Load.Throughput / ceiling.Load.Throughput:F2}";
            Print($"| {r.Round} | {r.App} | {r.Load.Throughput:F0} | {r.Load.P50Ms:F1} | {r.Load.P99Ms:F1} | {r.Load.Errors + r.Load.WarmupErrors} | {ratio} | "
                + $"{r.Cpu.Server:F2} / {r.Cpu.Postgres:F2} / {r.Cpu.Load:F2} / {r.Cpu.Other:F2} | {(r.Cpu.Server + r.Cpu.Postgres) * 1e6 / r.Load.Throughput:F0} | {(r.Projected is { } p ? $"{p} / {r.Load.Acknowledged + 1}" : "")} | {(r.Paced is { } paced ? $"{paced.OfferedPerSecond:F0}, {paced.P50Ms:F1} / {paced.P99Ms:F1}, {paced.Errors}" : "")} |");
        }

        var all = true;
        foreach (var round in runs.GroupBy(r => r.Round))
        {
            all &= ReadPathsMet(round.Key, round.ToList());
        }

        foreach (var round in runs.GroupBy(r => r.Round))
        {
            var ceiling = round.FirstOrDefault(r => r.App == "ceiling");
            var gridGov = round.FirstOrDefault(r => r.App == "gridgov-app");
            var import = imports.FirstOrDefault(i => i.Round == round.Key);
            if (ceiling is null || (gridGov is null && import is null))
            {
                // A round of read paths alone was judged above; any other round lacks what its targets compare.
                all &= ceiling is not null && round.Any(r => r.App is "gridgov-locate" or "gridgov-read-case");
                continue;
            }

            if (import is not null)
            {
                var importRatio = import.HouseholdsPerSecond / ceiling.Load.Throughput;
                var importMet = importRatio >= TargetImportRatio;
                all &= importMet && import.Correct;
                Print($"round {round.Key}: household import {import.HouseholdsPerSecond:F0} households/s ({import.Households} in {import.Elapsed.TotalSeconds:F1} s) vs ceiling {ceiling.Load.Throughput:F0} req/s = {importRatio:F2} "
                    + $"(target ≥ {TargetImportRatio}: {(importMet ? "met" : "NOT met")}); result created {import.Created}, rejected {import.Rejected} ({(import.Correct ? "as expected" : "NOT as expected")})");
            }

            if (gridGov is null)
            {
                continue;
            }

            var ratio = gridGov.Load.Throughput / ceiling.Load.Throughput;
            var ratioMet = ratio >= TargetRatio;
            // The latency target is about the paced phase: at 0.8 × the ceiling's rate, every request answered and p99 ≤ 50 ms.
            // In the closed loop, latency is set by the connection count (mean ≈ 64 / throughput), not by the app.
            var paced = gridGov.Paced;
            var p99Met = paced is not null && !paced.FellBehind && paced.Errors == 0 && paced.Completed == paced.Sent && paced.P99Ms <= TargetP99Ms;
            var caughtUp = gridGov.Projected >= gridGov.Load.Acknowledged + 1;
            all &= ratioMet && p99Met;
            Print($"round {round.Key}: GridGov {gridGov.Load.Throughput:F0}/s vs ceiling {ceiling.Load.Throughput:F0}/s = {ratio:F2} (target ≥ {TargetRatio}: {(ratioMet ? "met" : "NOT met")}); "
                + (paced is null
                    ? "no paced phase, so the p99 target is not checked (NOT met); "
                    : $"paced at {paced.OfferedPerSecond:F0}/s: GridGov p99 {paced.P99Ms:F1} ms, errors {paced.Errors}{(paced.FellBehind ? ", fell behind" : "")} (target ≤ {TargetP99Ms} ms: {(p99Met ? "met" : "NOT met")}), ceiling p99 {ceiling.Paced?.P99Ms:F1} ms; ")
                + $"closed-loop p99 {gridGov.Load.P99Ms:F1} ms; errors {gridGov.Load.Errors + gridGov.Load.WarmupErrors}; read model {(caughtUp ? "caught up" : "did NOT catch up")}");
        }

        return all;
    }

    /// <summary>
    /// The read paths (locate, read-case) against the hello-world of the same round: throughput at ≥ 0.5 × its, and the
    /// p99 beside the hello-world's own at the same connection count. True when no read path ran or every one met it.
    /// </summary>
    private static bool ReadPathsMet(int round, IReadOnlyList<AppRun> runs)
    {
        var hello = runs.FirstOrDefault(r => r.App == "hello");
        var after = runs.FirstOrDefault(r => r.App == "hello-after");
        var met = true;
        if (hello is not null && after is not null)
        {
            Print($"round {round}: hello-world {hello.Load.Throughput:F0}/s before the read paths and {after.Load.Throughput:F0}/s after them ({after.Cpu.Server * 1e6 / after.Load.Throughput:F0} µs/req of server CPU); the reference is their mean");
        }

        foreach (var read in runs.Where(r => r.App is "gridgov-locate" or "gridgov-read-case"))
        {
            if (hello is null)
            {
                Print($"round {round}: {read.App} has no hello-world to compare with (--no-ceiling?): NOT met");
                met = false;
                continue;
            }

            var reference = after is null ? hello.Load.Throughput : (hello.Load.Throughput + after.Load.Throughput) / 2;
            var ratio = read.Load.Throughput / reference;
            met &= ratio >= TargetReadRatio && read.Load.Errors + read.Load.WarmupErrors == 0;
            Print($"round {round}: {read.App} {read.Load.Throughput:F0}/s vs hello-world {reference:F0}/s = {ratio:F2} (target ≥ {TargetReadRatio}: {(ratio >= TargetReadRatio ? "met" : "NOT met")}); "
                + $"p99 {read.Load.P99Ms:F1} ms vs the hello-world's {hello.Load.P99Ms:F1} ms; server CPU {read.Cpu.Server * 1e6 / read.Load.Throughput:F0} vs {hello.Cpu.Server * 1e6 / hello.Load.Throughput:F0} µs/req; errors {read.Load.Errors + read.Load.WarmupErrors}");
        }

        return met;
    }

    private static string Markdown(IReadOnlyList<AppRun> runs)
    {
        var text = new StringBuilder();
        var date = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        foreach (var r in runs)
        {
            var ceiling = runs.FirstOrDefault(c => c.Round == r.Round && c.App == "ceiling");
            var ratio = ceiling is null || r.App == "ceiling" ? "" : $"{r.Load.Throughput / ceiling.Load.Throughput:F2}";
            text.Append(CultureInfo.InvariantCulture,
                $"| {date} | {r.Round} | {r.App} | {r.Load.Throughput:F0} | {r.Load.P50Ms:F1} | {r.Load.P99Ms:F1} | {r.Load.Errors + r.Load.WarmupErrors} | {ratio} | {r.Cpu.Server:F2} / {r.Cpu.Postgres:F2} / {r.Cpu.Load:F2} / {r.Cpu.Other:F2} | {r.LoadAverageBefore} |\n");
        }

        return text.ToString();
    }

    private static string Markdown(IReadOnlyList<ImportRun> imports, IReadOnlyList<AppRun> runs)
    {
        var text = new StringBuilder();
        var date = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        foreach (var i in imports)
        {
            var ceiling = runs.FirstOrDefault(c => c.Round == i.Round && c.App == "ceiling");
            var ratio = ceiling is null ? "" : $"{i.HouseholdsPerSecond / ceiling.Load.Throughput:F2}";
            text.Append(CultureInfo.InvariantCulture,
                $"| {date} | {i.Round} | household import ({i.Households} households, {i.Residents} residents) | {i.HouseholdsPerSecond:F0} households/s | {i.Elapsed.TotalSeconds:F1} s | created {i.Created}, rejected {i.Rejected} | {ratio} | {i.Cpu.Server:F2} / {i.Cpu.Postgres:F2} / {i.Cpu.Load:F2} / {i.Cpu.Other:F2} | {i.LoadAverageBefore} |\n");
        }

        return text.ToString();
    }

    private static string? Safe(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
