using System.Globalization;

namespace GridGov.IntakeBenchmark;

/// <summary>
/// CPU time (Linux /proc, in clock ticks of 1/100 s) of the app server, of each headless silo process (when the app
/// runs as a cluster client), of PostgreSQL (the postmaster and its backends), of this process (the load generator),
/// and of the whole machine, at one instant. The difference of two snapshots says where the CPU of a measured window
/// went, including what other processes took. Each part counts its whole process tree.
/// </summary>
public sealed record CpuSnapshot(long Server, IReadOnlyList<long> Silos, long Postgres, long Load, long MachineBusy, long MachineTotal, DateTimeOffset At)
{
    private const double TicksPerSecond = 100;

    public static CpuSnapshot Take(int serverPid, int postmasterPid, IReadOnlyList<int>? siloPids = null)
    {
        var parents = new Dictionary<int, int>();
        var times = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command (which may hold spaces) start after the last ')': state ppid … utime(14) stime(15).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                times[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended meanwhile.
            }
        }

        long Tree(int root) => times.Where(t => t.Key == root || IsDescendant(t.Key, root, parents)).Sum(t => t.Value);

        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        var total = cpu.Take(8).Sum();
        var idle = cpu[3] + cpu[4];
        return new CpuSnapshot(
            serverPid > 0 ? Tree(serverPid) : 0,
            (siloPids ?? []).Select(Tree).ToArray(),
            postmasterPid > 0 ? Tree(postmasterPid) : 0,
            times.GetValueOrDefault(Environment.ProcessId),
            total - idle,
            total,
            DateTimeOffset.UtcNow);
    }

    private static bool IsDescendant(int pid, int root, Dictionary<int, int> parents)
    {
        for (var depth = 0; depth < 16 && parents.TryGetValue(pid, out var parent) && parent > 1; depth++)
        {
            if (parent == root)
            {
                return true;
            }

            pid = parent;
        }

        return false;
    }

    /// <summary>Cores used by each part over the window from <paramref name="before"/> to this snapshot.</summary>
    public CpuUse Since(CpuSnapshot before)
    {
        var seconds = (At - before.At).TotalSeconds;
        double Cores(long ticks) => ticks / TicksPerSecond / seconds;
        var server = Cores(Server - before.Server);
        var postgres = Cores(Postgres - before.Postgres);
        var load = Cores(Load - before.Load);
        var silos = Silos.Select((ticks, i) => Cores(ticks - before.Silos[i])).ToArray();
        var busyShare = (MachineBusy - before.MachineBusy) / (double)Math.Max(1, MachineTotal - before.MachineTotal);
        var machine = busyShare * Environment.ProcessorCount;
        return new CpuUse(server, postgres, load, Math.Max(0, machine - server - silos.Sum() - postgres - load), machine) { Silos = silos };
    }
}

/// <summary>
/// Average cores busy over a window: the server (the API process, with its silo when co-hosted), PostgreSQL, the
/// load generator, everything else, the machine; and each headless silo process, when there are any.
/// </summary>
public sealed record CpuUse(double Server, double Postgres, double Load, double Other, double Machine)
{
    public IReadOnlyList<double> Silos { get; init; } = [];

    public double SiloSum => Silos.Sum();
}
