using System.Diagnostics;
using System.Net.Http.Headers;

namespace GridGov.IntakeBenchmark;

/// <summary>What one load run measured. Latencies and throughput count the requests that completed in the measured window.</summary>
public sealed record LoadResult(
    long Completed,
    long Errors,
    long WarmupErrors,
    long Acknowledged,
    TimeSpan Measured,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    IReadOnlyList<double> PerSecond,
    IReadOnlyDictionary<string, long> ErrorKinds,
    string? FirstError)
{
    public double Throughput => Completed / Measured.TotalSeconds;

    /// <summary>Requests per second in consecutive slices of <paramref name="slice"/> seconds, warm-up included.</summary>
    public IEnumerable<double> Slices(int slice) =>
        PerSecond.Chunk(slice).Where(c => c.Length == slice).Select(c => c.Average());
}

/// <summary>One request of the load: a POST of a JSON body, or a GET when there is no body.</summary>
public sealed record LoadRequest(Uri Target, byte[]? Body);

/// <summary>
/// A closed-loop HTTP load: <c>connections</c> workers, each with one request in flight on its own connection
/// (SocketsHttpHandler), sending the requests round-robin for the warm-up and then the measured window; every non-2xx
/// answer or failure is an error. The callbacks run at the start and end of the measured window (resource snapshots).
/// </summary>
public sealed class LoadGenerator(IReadOnlyDictionary<string, string> headers, IReadOnlyList<LoadRequest> requests, int connections)
{
    private const int Warmup = 0;
    private const int Measure = 1;
    private const int Stop = 2;

    private int _phase;
    private long _acknowledged;
    private long _errors;
    private long _warmupErrors;
    private long _next;
    private string? _firstError;
    private readonly Dictionary<string, long> _errorKinds = [];

    /// <summary>2xx answers so far (all phases).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public async Task<LoadResult> RunAsync(
        TimeSpan warmup, TimeSpan duration, Func<Task> onMeasureStart, Func<Task> onMeasureEnd, Action<string> progress,
        CancellationToken cancellationToken)
    {
        using var client = Client(connections);
        var seconds = (int)Math.Ceiling((warmup + duration).TotalSeconds) + 120;
        var perSecond = new long[seconds];
        var latencies = Enumerable.Range(0, connections).Select(_ => new List<long>(16_384)).ToArray();
        var start = Stopwatch.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var workers = Enumerable.Range(0, connections)
            .Select(w => Task.Run(() => WorkAsync(client, latencies[w], perSecond, start, stop.Token), CancellationToken.None))
            .ToArray();

        long measureStart = 0, measureEnd = 0;
        try
        {
            await ReportWhileAsync(warmup, "warm-up", perSecond, start, progress, cancellationToken);
            await onMeasureStart();
            measureStart = Stopwatch.GetTimestamp();
            Volatile.Write(ref _phase, Measure);
            await ReportWhileAsync(duration, "measure", perSecond, start, progress, cancellationToken);
            Volatile.Write(ref _phase, Stop);
            measureEnd = Stopwatch.GetTimestamp();
            await onMeasureEnd();
        }
        finally
        {
            Volatile.Write(ref _phase, Stop);
            // Workers finish the request in flight (so every acknowledged case is counted), then stop.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(70));
            await using (grace.Token.Register(stop.Cancel))
            {
                await Task.WhenAll(workers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
            }
        }

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Percentile(double p) => Milliseconds(all, p);
        var measured = Stopwatch.GetElapsedTime(measureStart, measureEnd);
        var used = (int)Math.Ceiling(Stopwatch.GetElapsedTime(start).TotalSeconds);
        lock (_errorKinds)
        {
            return new LoadResult(
                all.Length, Interlocked.Read(ref _errors), Interlocked.Read(ref _warmupErrors), Acknowledged, measured,
                Percentile(0.50), Percentile(0.99), Percentile(0.999), all.Length == 0 ? double.NaN : Stopwatch.GetElapsedTime(0, all[^1]).TotalMilliseconds,
                perSecond.Take(Math.Min(used, perSecond.Length)).Select(c => (double)c).ToArray(),
                new Dictionary<string, long>(_errorKinds), _firstError);
        }
    }

    private async Task ReportWhileAsync(TimeSpan length, string phase, long[] perSecond, long start, Action<string> progress, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var lastTotal = perSecond.Sum();
        var lastAt = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() < end)
        {
            var wait = TimeSpan.FromSeconds(Math.Min(10, (end - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var total = perSecond.Sum();
            var now = Stopwatch.GetTimestamp();
            if (now - lastAt < Stopwatch.Frequency)
            {
                continue;
            }

            var rate = (total - lastTotal) / ((now - lastAt) / (double)Stopwatch.Frequency);
            progress($"  {phase,-8} t={Stopwatch.GetElapsedTime(start).TotalSeconds,5:F0} s  {rate,8:F0} req/s  errors {Interlocked.Read(ref _errors) + Interlocked.Read(ref _warmupErrors)}");
            (lastTotal, lastAt) = (total, now);
        }
    }

    private async Task WorkAsync(HttpClient client, List<long> latencies, long[] perSecond, long start, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _phase) != Stop && !cancellationToken.IsCancellationRequested)
        {
            using var request = Message(requests[(int)(Interlocked.Increment(ref _next) % requests.Count)], headers);

            var phase = Volatile.Read(ref _phase);
            var sent = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                error = response.IsSuccessStatusCode ? null
                    : $"HTTP {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None))}";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                error = $"{e.GetType().Name}: {e.Message}";
            }

            var done = Stopwatch.GetTimestamp();
            var second = (int)((done - start) / Stopwatch.Frequency);
            if (error is null)
            {
                Interlocked.Increment(ref _acknowledged);
                if ((uint)second < (uint)perSecond.Length)
                {
                    Interlocked.Increment(ref perSecond[second]);
                }

                // Counted when sent and answered inside the measured window.
                if (phase == Measure && Volatile.Read(ref _phase) == Measure)
                {
                    latencies.Add(done - sent);
                }
            }
            else
            {
                Interlocked.Increment(ref phase == Warmup ? ref _warmupErrors : ref _errors);
                lock (_errorKinds)
                {
                    var kind = error.Split(':')[0];
                    _errorKinds[kind] = _errorKinds.GetValueOrDefault(kind) + 1;
                    _firstError ??= error;
                }
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>An HTTP client over at most <paramref name="connections"/> kept-alive connections, as both loads use.</summary>
    internal static HttpClient Client(int connections) => new(
        new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        },
        disposeHandler: true) { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The request to send: a JSON POST, or a GET when there is no body, with the load's headers.</summary>
    internal static HttpRequestMessage Message(LoadRequest next, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(next.Body is null ? HttpMethod.Get : HttpMethod.Post, next.Target);
        if (next.Body is not null)
        {
            request.Content = new ByteArrayContent(next.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>The <paramref name="p"/> quantile of sorted Stopwatch durations, in milliseconds (NaN when there are none).</summary>
    internal static double Milliseconds(long[] sorted, double p) => sorted.Length == 0 ? double.NaN
        : Stopwatch.GetElapsedTime(0, sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)]).TotalMilliseconds;
}

/// <summary>
/// What a paced (open-loop) load measured: latencies from each request's scheduled send time. <see cref="FellBehind"/>
/// when the load stopped early because the answers were more than <see cref="PacedLoad.MaxBacklog"/> behind.
/// </summary>
/// <param name="LagP99Ms">How late the load generator itself started requests (p99 of start minus scheduled time, before
/// any wait for a connection): a stall of the generator counts in every latency it delays, whatever the server.</param>
public sealed record PacedResult(
    double OfferedPerSecond, long Sent, long Completed, long Errors, TimeSpan Elapsed, double P50Ms, double P99Ms, double MaxMs, bool FellBehind,
    double LagP99Ms, double LagMaxMs)
{
    public double AchievedPerSecond => Completed / Elapsed.TotalSeconds;
}

/// <summary>
/// An open-loop load: requests are scheduled at a fixed rate whatever the answers, over at most <c>connections</c>
/// connections (a request waits for a free one). Each latency runs from the request's scheduled time, so a server that
/// falls behind shows it in full instead of slowing the load down (no coordinated omission).
/// </summary>
public sealed class PacedLoad(IReadOnlyDictionary<string, string> headers, IReadOnlyList<LoadRequest> requests, int connections)
{
    /// <summary>A server this far behind the schedule cannot sustain the rate: the load stops rather than pile up more.</summary>
    public static readonly TimeSpan MaxBacklog = TimeSpan.FromSeconds(5);

    public async Task<PacedResult> RunAsync(double perSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = LoadGenerator.Client(connections);
        var total = (long)(perSecond * duration.TotalSeconds);
        var latencies = new long[total];
        var lags = new long[total];
        long errors = 0, completed = 0;
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var fellBehind = false;
        long sent = 0;
        for (long i = 0; i < total; i++, sent++)
        {
            if (i - Interlocked.Read(ref completed) - Interlocked.Read(ref errors) > perSecond * MaxBacklog.TotalSeconds)
            {
                fellBehind = true;
                break;
            }

            var scheduled = start + (long)(i / perSecond * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                lags[index] = Math.Max(1, Stopwatch.GetTimestamp() - scheduled);
                using var request = LoadGenerator.Message(requests[(int)(index % requests.Count)], headers);

                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    return;
                }

                latencies[index] = Stopwatch.GetTimestamp() - scheduled;
                Interlocked.Increment(ref completed);
            }, CancellationToken.None));
        }

        await Task.WhenAll(inFlight);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var answered = latencies.Where(l => l > 0).ToArray();
        Array.Sort(answered);
        var started = lags.Where(l => l > 0).ToArray();
        Array.Sort(started);
        return new PacedResult(perSecond, sent, completed, errors, elapsed,
            LoadGenerator.Milliseconds(answered, 0.50), LoadGenerator.Milliseconds(answered, 0.99), LoadGenerator.Milliseconds(answered, 1), fellBehind,
            LoadGenerator.Milliseconds(started, 0.99), LoadGenerator.Milliseconds(started, 1));
    }
}
