using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridGov.Hosting.Live;

/// <summary>
/// The one reader of the case-event log in this process, for every live feed in it. While anyone listens it reads the
/// log every poll interval, hands out the gap-free prefix (<see cref="ContiguousReader"/>) and fans each event out to
/// the subscribers whose territory holds it. A subscriber's buffer is bounded: one that falls too far behind is cut
/// off (it resumes from its last position), so no client can hold the reader up, and the reader's cost does not grow
/// with the number of clients.
/// </summary>
public sealed partial class CaseEventTailer(CaseEventLog log, LiveSettings settings, TimeProvider time, ILogger<CaseEventTailer> logger)
    : BackgroundService
{
    private const int ReadLimit = 500;

    /// <summary>How long the reader keeps reading after the last subscriber left, so reconnecting clients find it in place.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<LiveSubscription> _subscribers = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ContiguousReader _reader = new(time, settings.GapGrace);
    private bool _based;
    private long _through;
    private DateTimeOffset _basedAt;
    private DateTimeOffset _idleSince;

    /// <summary>How many subscribers are attached now.</summary>
    public int Subscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>
    /// Subscribes to the events of <paramref name="territory"/> and everything below it that pass
    /// <paramref name="filter"/>. The answer is ready once the reader knows its place: it then receives every event
    /// after its <see cref="LiveSubscription.After"/>. Dispose it to leave.
    /// </summary>
    public async Task<LiveSubscription> SubscribeAsync(string territory, Func<LiveEntry, bool>? filter, CancellationToken cancellationToken)
    {
        var subscription = new LiveSubscription(this, territory, filter, settings.ClientBuffer);
        lock (_gate)
        {
            _subscribers.Add(subscription);
            if (_based)
            {
                subscription.Start(_through, _basedAt);
            }
        }

        _wake.Release();
        try
        {
            await subscription.Ready.WaitAsync(cancellationToken);
            return subscription;
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    internal void Leave(LiveSubscription subscription)
    {
        lock (_gate)
        {
            if (_subscribers.Remove(subscription) && _subscribers.Count == 0)
            {
                _idleSince = time.GetUtcNow();
            }
        }
    }

    /// <summary>
    /// Waits until positions at or below a new subscriber's <see cref="LiveSubscription.After"/> are settled: until the
    /// grace period has passed since the reader took its place, so a transaction in flight at that moment has committed
    /// (or is given up) before a resuming feed reads its backlog.
    /// </summary>
    public Task WhenSettledAsync(LiveSubscription subscription, CancellationToken cancellationToken)
    {
        var wait = subscription.BasedAt + settings.GapGrace - time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollLoop.RunAsync(settings.PollInterval, time, PollAsync, e => LogReadFailed(logger, e), stoppingToken);

    /// <summary>One step: sleep while nobody listens (after a linger), take a place when needed, read and fan out. True when there may be more to read at once.</summary>
    private async Task<bool> PollAsync(CancellationToken stoppingToken)
    {
        bool idle, based;
        lock (_gate)
        {
            if (_subscribers.Count == 0 && _based && time.GetUtcNow() - _idleSince >= Linger)
            {
                _based = false;
            }

            based = _based;
            idle = _subscribers.Count == 0 && !_based;
        }

        if (idle)
        {
            await _wake.WaitAsync(stoppingToken);
            return true;
        }

        if (!based)
        {
            var start = await log.LastPositionAsync(stoppingToken);
            lock (_gate)
            {
                _through = start;
                _basedAt = time.GetUtcNow();
                _based = true;
                _reader.Reset();
                foreach (var s in _subscribers)
                {
                    s.Start(_through, _basedAt);
                }
            }

            return true;
        }

        long after;
        lock (_gate)
        {
            after = _through;
        }

        var read = await log.ReadAfterAsync(after, ReadLimit, stoppingToken);
        var (entries, through) = _reader.Take(after, read);
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                for (var i = _subscribers.Count - 1; i >= 0; i--)
                {
                    var s = _subscribers[i];
                    if (!s.Offer(entry))
                    {
                        _subscribers.RemoveAt(i);
                        if (_subscribers.Count == 0)
                        {
                            _idleSince = time.GetUtcNow();
                        }
                    }
                }
            }

            _through = through;
        }

        return read.Count == ReadLimit && entries.Count == read.Count;
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the case-event log for live feeds failed; retrying")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}

/// <summary>
/// One listener of the <see cref="CaseEventTailer"/>: a bounded buffer of the events of its territory after
/// <see cref="After"/>. When the buffer overflows the subscription ends with <see cref="Overflowed"/> set.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly CaseEventTailer _tailer;
    private readonly string _territory;
    private readonly Func<LiveEntry, bool>? _filter;
    private readonly Channel<LiveEntry> _channel;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    internal LiveSubscription(CaseEventTailer tailer, string territory, Func<LiveEntry, bool>? filter, int capacity)
    {
        _tailer = tailer;
        _territory = territory;
        _filter = filter;
        _channel = Channel.CreateBounded<LiveEntry>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The position this subscription starts after: every later event of its territory reaches <see cref="Events"/>.</summary>
    public long After { get; private set; }

    /// <summary>When the reader took the place this subscription started from.</summary>
    public DateTimeOffset BasedAt { get; private set; }

    /// <summary>True when the subscriber fell too far behind and was cut off.</summary>
    public bool Overflowed { get; private set; }

    public ChannelReader<LiveEntry> Events => _channel.Reader;

    internal Task Ready => _ready.Task;

    internal void Start(long after, DateTimeOffset basedAt)
    {
        if (_ready.Task.IsCompleted)
        {
            return;
        }

        (After, BasedAt) = (after, basedAt);
        _ready.TrySetResult();
    }

    /// <summary>Offers an event (under the tailer's lock, never blocking). False when the subscription is over.</summary>
    internal bool Offer(LiveEntry entry)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        if (!entry.IsUnder(_territory) || (_filter is not null && !_filter(entry)))
        {
            return true;
        }

        if (_channel.Writer.TryWrite(entry))
        {
            return true;
        }

        Overflowed = true;
        _channel.Writer.TryComplete();
        return false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _tailer.Leave(this);
        }
    }
}
