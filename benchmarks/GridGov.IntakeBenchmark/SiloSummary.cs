using System.Globalization;
using System.Text;

namespace GridGov.IntakeBenchmark;

/// <summary>
/// The <c>--silos</c> runs side by side, per round, with the co-hosted app run of the same round (when it ran) as the
/// one-process reference: throughput, latency, errors, the cores each part used over the measured window and the CPU
/// per acknowledged case of the processes that serve it (silos, API, PostgreSQL).
/// </summary>
public static class SiloSummary
{
    private const string Header =
        "| round | GridGov | req/s | p50 ms | p99 ms | errors | CPU cores: silos (each) | API | PostgreSQL | load | other | silos+API+PostgreSQL µs/case (silos / API / PostgreSQL) | load average before |";

    private const string Rule = "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|";

    public static void Print(IReadOnlyList<AppRun> siloRuns, IReadOnlyList<AppRun> runs)
    {
        if (siloRuns.Count == 0)
        {
            return;
        }

        Program.Print("");
        Program.Print("GridGov intake with headless silos (the API a pure cluster client) and co-hosted (one process), same load:");
        Program.Print(Header);
        Program.Print(Rule);
        foreach (var row in Rows(siloRuns, runs))
        {
            Program.Print(Line(row));
        }
    }

    /// <summary>A Markdown table of its own (the columns differ from the other rows), for the results file.</summary>
    public static string Markdown(IReadOnlyList<AppRun> siloRuns, IReadOnlyList<AppRun> runs)
    {
        if (siloRuns.Count == 0)
        {
            return "";
        }

        var date = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var text = new StringBuilder().Append('\n').Append("| date ").Append(Header).Append('\n').Append("|---").Append(Rule).Append('\n');
        foreach (var row in Rows(siloRuns, runs))
        {
            text.Append(CultureInfo.InvariantCulture, $"| {date} ").Append(Line(row)).Append('\n');
        }

        return text.Append('\n').ToString();
    }

    private static IEnumerable<AppRun> Rows(IReadOnlyList<AppRun> siloRuns, IReadOnlyList<AppRun> runs)
    {
        foreach (var round in siloRuns.GroupBy(r => r.Round))
        {
            if (runs.FirstOrDefault(r => r.Round == round.Key && r.App == "gridgov-app") is { } coHosted)
            {
                yield return coHosted;
            }

            foreach (var run in round)
            {
                yield return run;
            }
        }
    }

    private static string Line(AppRun r)
    {
        var cpu = r.Cpu;
        var rate = r.Load.Throughput;
        double PerCase(double cores) => rate > 0 ? cores * 1e6 / rate : double.NaN;
        var silos = r.Silos is null
            ? "(in the API process)"
            : $"{cpu.SiloSum:F2} ({string.Join(" + ", cpu.Silos.Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))})";
        var app = r.Silos is { } n ? $"{n} silo{(n == 1 ? "" : "s")} + API client" : "co-hosted silo";
        var total = PerCase(cpu.SiloSum + cpu.Server + cpu.Postgres);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {r.Round} | {app} | {rate:F0} | {r.Load.P50Ms:F1} | {r.Load.P99Ms:F1} | {r.Load.Errors + r.Load.WarmupErrors} | {silos} | {cpu.Server:F2} | {cpu.Postgres:F2} | {cpu.Load:F2} | {cpu.Other:F2} | "
            + $"{total:F0} ({(r.Silos is null ? "–" : PerCase(cpu.SiloSum).ToString("F0", CultureInfo.InvariantCulture))} / {PerCase(cpu.Server):F0} / {PerCase(cpu.Postgres):F0}) | {r.LoadAverageBefore} |");
    }
}
