using System.Net.Http.Headers;
using System.Text;
using GridGov.Hosting.Security;
using GridGov.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridGov.Hosting.Live;

/// <summary>
/// Delivers pending webhook deliveries: claims due ones with a lease (<see cref="WebhookStore.ClaimAsync"/>), POSTs each
/// event signed with its webhook's secret, and records the outcome: 2xx is delivered; anything else, or no answer within
/// the timeout, is retried after an exponential back-off until the attempts run out and it becomes a dead letter.
/// Deliveries run concurrently up to a global limit and a per-webhook one, so a slow or hanging endpoint holds at most
/// its own slots and never delays the others. Runs in every silo host.
/// </summary>
public sealed partial class WebhookDeliverer : BackgroundService
{
    private const string UserAgent = "GridGov-Webhooks/1";

    /// <summary>How much longer than the timeout a claim lasts, so a live attempt never loses its lease.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    private readonly WebhookStore _store;
    private readonly WebhookSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliverer> _logger;
    private readonly GridGovMetrics _metrics;
    private readonly WebhookSecrets? _secrets;
    private readonly HttpClient _http;
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _finished = new(0);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (StoredWebhook Webhook, string Secret, DateTimeOffset LoadedAt)> _webhooks = new(StringComparer.Ordinal);
    private int _total;

    public WebhookDeliverer(WebhookStore store, WebhookSettings settings, TimeProvider time, GridGovMetrics metrics, ILogger<WebhookDeliverer> logger, IServiceProvider services)
    {
        _store = store;
        _settings = settings;
        _time = time;
        _metrics = metrics;
        _logger = logger;

        // The secrets are sealed under the cluster secret; a bare test silo without GridGov's settings has none.
        _secrets = services.GetService<AuthSettings>() is { } auth ? new WebhookSecrets(auth) : null;
        var resolver = services.GetService<IWebhookAddressResolver>() ?? new DnsWebhookAddressResolver();
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // A proxy would be the address connected to, and the target's would go unchecked.
            UseProxy = false,
            // Every new connection is opened here, to an address checked against registration's rules (a name that
            // resolved outside when registered may resolve inside now: DNS rebinding). A pooled connection stays on
            // the address it was opened to.
            ConnectCallback = (context, cancellationToken) =>
                WebhookAddresses.ConnectAsync(resolver, settings.AllowInsecureUrls, context.DnsEndPoint, cancellationToken),
            ConnectTimeout = settings.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_secrets is null)
        {
            LogNoSecret(_logger);
            return;
        }

        var running = new List<Task>();
        await PollLoop.RunAsync(
            _settings.PollInterval,
            _time,
            async cancellationToken =>
            {
                var started = await StartDueAsync(running, cancellationToken);
                running.RemoveAll(t => t.IsCompleted);
                return started > 0;
            },
            e => LogClaimFailed(_logger, e),
            stoppingToken,
            // Until the next poll, or sooner when an attempt finishes and frees a slot.
            cancellationToken => _finished.WaitAsync(_settings.PollInterval, cancellationToken));
        await Task.WhenAll(running);
    }

    /// <summary>Claims as many due deliveries as there are free slots (globally and per webhook) and starts them.</summary>
    private async Task<int> StartDueAsync(List<Task> running, CancellationToken stoppingToken)
    {
        int free;
        Dictionary<string, int> busy;
        lock (_gate)
        {
            free = _settings.MaxInFlight - _total;
            busy = new Dictionary<string, int>(_inFlight, StringComparer.Ordinal);
        }

        if (free <= 0)
        {
            return 0;
        }

        var now = _time.GetUtcNow();
        var candidates = await _store.CandidatesAsync(now, _settings.MaxInFlightPerWebhook, free * 4, stoppingToken);
        var chosen = new List<string>();
        foreach (var (id, webhookId) in candidates)
        {
            var inFlight = busy.GetValueOrDefault(webhookId);
            if (chosen.Count < free && inFlight < _settings.MaxInFlightPerWebhook)
            {
                busy[webhookId] = inFlight + 1;
                chosen.Add(id);
            }
        }

        var claimed = await _store.ClaimAsync(chosen, now, now + _settings.Timeout + LeaseMargin, stoppingToken);
        foreach (var delivery in claimed)
        {
            lock (_gate)
            {
                _total++;
                _inFlight[delivery.WebhookId] = _inFlight.GetValueOrDefault(delivery.WebhookId) + 1;
            }

            running.Add(Task.Run(() => AttemptAsync(delivery, stoppingToken), CancellationToken.None));
        }

        return claimed.Count;
    }

    private async Task AttemptAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            var webhook = await WebhookAsync(delivery.WebhookId, stoppingToken);
            if (webhook is null)
            {
                // Deleted meanwhile, with its deliveries.
                return;
            }

            var (delivered, status, error) = await PostAsync(webhook.Value.Webhook, webhook.Value.Secret, delivery, stoppingToken);
            var attempts = delivery.Attempts + 1;
            var now = _time.GetUtcNow();
            DateTimeOffset? retryAt = delivered || attempts >= _settings.MaxAttempts ? null : now + _settings.Backoff(attempts);
            await _store.RecordAttemptAsync(delivery, delivered, retryAt, status, error, now, CancellationToken.None);
            _metrics.WebhookAttempt(delivered, last: retryAt is null);
            if (!delivered)
            {
                if (retryAt is null)
                {
                    LogDeadLetter(_logger, delivery.Id, delivery.WebhookId, attempts, error ?? $"HTTP {status}");
                }
                else
                {
                    LogRetry(_logger, delivery.Id, delivery.WebhookId, attempts, retryAt.Value, error ?? $"HTTP {status}");
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The lease runs out and the delivery is attempted again.
            LogAttemptFailed(_logger, e, delivery.Id);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _total--;
                if (--_inFlight[delivery.WebhookId] == 0)
                {
                    _inFlight.Remove(delivery.WebhookId);
                }
            }

            _finished.Release();
        }
    }

    private async Task<(bool Delivered, int? Status, string? Error)> PostAsync(
        StoredWebhook webhook, string secret, ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("GridGov-Delivery", delivery.Id);
        request.Headers.Add("GridGov-Event", delivery.EventType);
        request.Headers.Add("GridGov-Signature", WebhookSecrets.Signature(secret, _time.GetUtcNow(), body));

        using var timeout = new CancellationTokenSource(_settings.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return (status is >= 200 and < 300, status, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            return (false, null, $"No answer within {_settings.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookAddressRefusedException refused)
        {
            return (false, null, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return (false, null, e.Message);
        }
    }

    /// <summary>The webhook's URL and opened secret, cached briefly (a deleted webhook is seen within seconds).</summary>
    private async Task<(StoredWebhook Webhook, string Secret)?> WebhookAsync(string id, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_webhooks.TryGetValue(id, out var cached) && now - cached.LoadedAt < TimeSpan.FromSeconds(5))
            {
                return (cached.Webhook, cached.Secret);
            }
        }

        var webhook = await _store.FindAsync(id, cancellationToken);
        if (webhook is null)
        {
            return null;
        }

        var secret = _secrets!.Open(webhook.Id, webhook.SealedSecret);
        lock (_gate)
        {
            _webhooks[id] = (webhook, secret, now);
        }

        return (webhook, secret);
    }

    public override void Dispose()
    {
        _http.Dispose();
        _finished.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery is off in this host: it has no cluster secret (GridGov:Auth) to open the webhooks' secrets")]
    private static partial void LogNoSecret(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming due webhook deliveries failed; retrying")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {Delivery} to webhook {Webhook} failed (attempt {Attempts}: {Reason}); retrying at {RetryAt:O}")]
    private static partial void LogRetry(ILogger logger, string delivery, string webhook, int attempts, DateTimeOffset retryAt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Delivery} to webhook {Webhook} failed {Attempts} times ({Reason}); it is a dead letter now")]
    private static partial void LogDeadLetter(ILogger logger, string delivery, string webhook, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attempting delivery {Delivery} failed; it is attempted again when its lease runs out")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string delivery);
}
