using System.Diagnostics;
using System.Globalization;

namespace GridGov.Demo;

internal enum Outcome
{
    Created,
    Updated,
    Unchanged,
    Failed,
}

/// <summary>One kind of entity being loaded: how many there are and what happened to each so far.</summary>
internal sealed class Stage(string name, int total)
{
    private readonly Stopwatch _clock = new();
    private readonly long[] _counts = new long[Enum.GetValues<Outcome>().Length];
    private long _linked;
    private long _linksKept;

    public string Name => name;

    public int Total => total;

    public long Created => Interlocked.Read(ref _counts[(int)Outcome.Created]);

    public long Updated => Interlocked.Read(ref _counts[(int)Outcome.Updated]);

    public long Unchanged => Interlocked.Read(ref _counts[(int)Outcome.Unchanged]);

    public long Failed => Interlocked.Read(ref _counts[(int)Outcome.Failed]);

    /// <summary>Member links made (or remade) by this run.</summary>
    public long Linked => Interlocked.Read(ref _linked);

    /// <summary>Member links found as planned.</summary>
    public long LinksKept => Interlocked.Read(ref _linksKept);

    public long Done => Created + Updated + Unchanged + Failed;

    public TimeSpan Elapsed => _clock.Elapsed;

    public bool HasLinks { get; init; }

    public void Start() => _clock.Start();

    public void Stop() => _clock.Stop();

    public void Count(Outcome outcome, int times = 1) => Interlocked.Add(ref _counts[(int)outcome], times);

    public void CountLink(bool made)
    {
        if (made)
        {
            Interlocked.Increment(ref _linked);
        }
        else
        {
            Interlocked.Increment(ref _linksKept);
        }
    }

    public string Line()
    {
        var rate = Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{Name,-22} {Done,7:N0}/{Total,-7:N0} created {Created:N0} · updated {Updated:N0} · unchanged {Unchanged:N0} · failed {Failed:N0}");
        if (HasLinks)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" · links made {Linked:N0}, kept {LinksKept:N0}");
        }

        return text + string.Create(CultureInfo.InvariantCulture, $" · {rate:N0}/s · {Report.Duration(Elapsed)}");
    }
}

/// <summary>Console output: progress every few seconds, every failed request in full, and the final table.</summary>
internal sealed class Report(TimeSpan interval, Func<long> requests)
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Stage> _stages = [];
    private long _failures;

    public long Failures => Interlocked.Read(ref _failures);

    public IReadOnlyList<Stage> Stages => _stages;

    public void Info(string line)
    {
        lock (_lock)
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>A request that did not succeed: printed with its problem body, and counted.</summary>
    public Outcome Fail(ApiResponse response, string? what = null)
    {
        Interlocked.Increment(ref _failures);
        var line = $"FAILED {response.Method} {response.Path} → {response.Status}{(what is null ? "" : $" ({what})")}: {ProblemText.Of(response)}";
        lock (_lock)
        {
            Console.Error.WriteLine(line);
        }

        return Outcome.Failed;
    }

    /// <summary>Something went wrong without an HTTP answer (an unreadable body, a dropped connection).</summary>
    public Outcome Fail(string what, Exception exception) => Fail(what, $"{exception.GetType().Name}: {exception.Message}");

    /// <summary>A failure in words: a feature the import rejected, an exception.</summary>
    public Outcome Fail(string what, string reason)
    {
        Interlocked.Increment(ref _failures);
        lock (_lock)
        {
            Console.Error.WriteLine($"FAILED {what}: {reason}");
        }

        return Outcome.Failed;
    }

    /// <summary>Runs one stage, printing its progress every interval and its final line at the end.</summary>
    public async Task RunAsync(Stage stage, Func<Task> work, CancellationToken cancellationToken)
    {
        _stages.Add(stage);
        stage.Start();
        using var ticker = new PeriodicTimer(interval);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = Task.Run(async () =>
        {
            var lastRequests = requests();
            var last = Stopwatch.GetTimestamp();
            try
            {
                while (await ticker.WaitForNextTickAsync(stop.Token))
                {
                    var now = requests();
                    var perSecond = (now - lastRequests) / Stopwatch.GetElapsedTime(last).TotalSeconds;
                    (lastRequests, last) = (now, Stopwatch.GetTimestamp());
                    Info(string.Create(CultureInfo.InvariantCulture, $"[{Duration(_clock.Elapsed),7}] {stage.Line()} · {perSecond:N0} requests/s{Eta(stage)}"));
                }
            }
            catch (OperationCanceledException)
            {
                // The stage ended.
            }
        }, CancellationToken.None);

        try
        {
            await work();
        }
        finally
        {
            stage.Stop();
            await stop.CancelAsync();
            await progress;
            Info($"[{Duration(_clock.Elapsed),7}] {stage.Line()}{(stage.Failed > 0 ? "  ← failures above" : "")}");
        }
    }

    public void Summary(long requests, long throttled, long retried)
    {
        Info("");
        Info("stage                  planned    created    updated  unchanged     failed      time");
        foreach (var s in _stages)
        {
            Info(string.Create(CultureInfo.InvariantCulture,
                $"{s.Name,-22} {s.Total,7:N0} {s.Created,10:N0} {s.Updated,10:N0} {s.Unchanged,10:N0} {s.Failed,10:N0} {Duration(s.Elapsed),9}"));
            if (s.HasLinks)
            {
                Info(string.Create(CultureInfo.InvariantCulture, $"{"  member links",-22} {"",7} {s.Linked,10:N0} made, {s.LinksKept:N0} already in place"));
            }
        }

        Info(string.Create(CultureInfo.InvariantCulture,
            $"total {Duration(_clock.Elapsed)}; {requests:N0} requests, {throttled:N0} answered 429 and waited out, {retried:N0} resent after no answer or a 503; {Failures:N0} failed."));
    }

    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m{t.Seconds:D2}s"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s"
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0}s");

    private static string Eta(Stage stage)
    {
        if (stage.Done == 0 || stage.Done >= stage.Total)
        {
            return "";
        }

        var left = TimeSpan.FromSeconds(stage.Elapsed.TotalSeconds / stage.Done * (stage.Total - stage.Done));
        return $" · about {Duration(left)} left";
    }
}
