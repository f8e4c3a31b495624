using GridGov.Grains.Security;
using GridGov.Hosting.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using GridGov.Contracts.Security;

namespace GridGov.Hosting.Live;

/// <summary>
/// Turns the case-event log into webhook deliveries: reads the gap-free prefix (<see cref="ContiguousReader"/>) after
/// a durable cursor, and for every event inserts one pending delivery per webhook that wants it — idempotent on
/// (webhook, position) — and moves the cursor, in one transaction. Runs in every silo host; the transaction locks the
/// cursor's row (on PostgreSQL with <c>FOR UPDATE SKIP LOCKED</c>) and goes ahead only if the cursor is still where
/// it read it, so one host routes a stretch of the log and the others skip the round.
/// </summary>
public sealed partial class WebhookRouter(
    CaseEventLog log, WebhookStore store, IApiKeyStore keys, WebhookSettings settings, LiveSettings live, TimeProvider time, ILogger<WebhookRouter> logger)
    : BackgroundService
{
    private const int ReadLimit = 500;

    /// <summary>How long the router trusts its list of webhooks (to know whether there are any) and the validity of their owners' keys.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    private readonly ContiguousReader _reader = new(time, live.GapGrace);
    private IReadOnlyList<StoredWebhook> _webhooks = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private long _lastRead = -1;
    private readonly Dictionary<string, bool> _owners = new(StringComparer.Ordinal);
    private DateTimeOffset _ownersCheckedAt = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollLoop.RunAsync(settings.PollInterval, time, RouteOnceAsync, e => LogRoutingFailed(logger, e), stoppingToken);

    /// <summary>One round. True when a full batch was routed, so there may be more at once.</summary>
    public async Task<bool> RouteOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _loadedAt >= Refresh)
        {
            _webhooks = await LoadAsync(cancellationToken);
            _loadedAt = now;
        }

        if (_webhooks.Count == 0)
        {
            return false;
        }

        await using var connection = await log.OpenAsync(cancellationToken);
        var cursor = await CaseEventLog.MarkAsync(connection, null, CaseEventLog.RouterMark, cancellationToken);

        // Events before every webhook's start interest nobody: start after the earliest of them.
        var after = Math.Max(cursor, _webhooks.Min(w => w.AfterPosition));
        if (after != _lastRead)
        {
            _reader.Reset();
        }

        var read = await log.ReadAfterAsync(after, ReadLimit, cancellationToken);
        var (entries, through) = _reader.Take(after, read);
        _lastRead = through;
        if (through == cursor)
        {
            return false;
        }

        // Matched against the webhooks as they are now: any webhook registered before these events were read is among
        // them, and one registered since starts after them (its start position is the log's end at its registration).
        _webhooks = await LoadAsync(cancellationToken);
        _loadedAt = now;
        if (after > cursor && _webhooks.Count > 0 && _webhooks.Min(w => w.AfterPosition) < after)
        {
            // A webhook registered meanwhile starts before where this round skipped to: start again from there.
            _lastRead = -1;
            return true;
        }

        await using var transaction = await connection.BeginWriteAsync(cancellationToken);
        await using (var command = connection.Command(
            log.Database == DatabaseKind.PostgreSql
                ? "SELECT value FROM gridgov_live_marks WHERE name = @name FOR UPDATE SKIP LOCKED"
                : "SELECT value FROM gridgov_live_marks WHERE name = @name",
            transaction))
        {
            command.AddParameter("name", CaseEventLog.RouterMark);
            var value = await command.ExecuteScalarAsync(cancellationToken);
            if (value is null or DBNull || Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) != cursor)
            {
                // Another host is routing, or has moved the cursor since it was read: leave this round to it.
                await transaction.RollbackAsync(cancellationToken);
                _lastRead = -1;
                return false;
            }
        }

        var pairs = entries.SelectMany(e => _webhooks.Where(w => w.Wants(e) && MaySee(w, e)).Select(w => (w, e))).ToList();
        await store.InsertDeliveriesAsync(connection, transaction, pairs, now, cancellationToken);
        await using (var command = connection.Command("UPDATE gridgov_live_marks SET value = @value WHERE name = @name", transaction))
        {
            command.AddParameter("value", through);
            command.AddParameter("name", CaseEventLog.RouterMark);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return read.Count == ReadLimit && entries.Count == read.Count;
    }

    /// <summary>
    /// An app's webhook gets only the cases the app reported (like its reads of cases), and those it follows: the
    /// originals its duplicates were merged into.
    /// </summary>
    private static bool MaySee(StoredWebhook webhook, LiveEntry entry) =>
        webhook.OwnerRole != Contracts.Security.Roles.App || entry.IsOf(webhook.Owner);

    /// <summary>The webhooks to route to: all of them but those of an app whose key is revoked or expired.</summary>
    private async Task<IReadOnlyList<StoredWebhook>> LoadAsync(CancellationToken cancellationToken)
    {
        var all = await store.AllAsync(cancellationToken);
        var live = new List<StoredWebhook>(all.Count);
        var now = time.GetUtcNow();
        if (now - _ownersCheckedAt >= Refresh)
        {
            _owners.Clear();
            _ownersCheckedAt = now;
        }

        var owners = _owners;
        foreach (var webhook in all)
        {
            if (webhook.OwnerRole == Contracts.Security.Roles.App)
            {
                if (!owners.TryGetValue(webhook.Owner, out var valid))
                {
                    var key = await keys.FindAsync(webhook.Owner, cancellationToken);
                    valid = key is not null && key.View.RevokedAt is null && (key.View.ExpiresAt is not { } expires || expires > now);
                    owners[webhook.Owner] = valid;
                }

                if (!valid)
                {
                    continue;
                }
            }

            live.Add(webhook);
        }

        return live;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing case events to webhooks failed; retrying")]
    private static partial void LogRoutingFailed(ILogger logger, Exception exception);
}
