using System.Data.Common;
using System.Globalization;
using System.Text;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Live;

/// <summary>A webhook subscription as stored: its secret sealed (<see cref="WebhookSecrets"/>).</summary>
public sealed record StoredWebhook(
    string Id,
    string District,
    string Territory,
    string Url,
    IReadOnlyList<string> Events,
    string? Description,
    string SealedSecret,
    string Owner,
    string OwnerRole,
    DateTimeOffset CreatedAt,
    long AfterPosition)
{
    public const string AllEvents = "*";

    /// <summary>Whether the webhook wants <paramref name="entry"/>: its district, under its territory, one of its types.</summary>
    public bool Wants(LiveEntry entry) =>
        entry.District == District && entry.Position > AfterPosition && entry.IsUnder(Territory)
        && LiveJson.Matches(Events, entry.Type);
}

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";
}

/// <summary>One delivery of one event to one webhook; its id is the <c>GridGov-Delivery</c> header, the same on every attempt.</summary>
public sealed record WebhookDelivery(
    string Id,
    string WebhookId,
    long Position,
    string EventType,
    string Payload,
    string Status,
    int Attempts,
    int? LastStatus,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>A delivery claimed by a deliverer: the claim's token must match when the attempt is recorded.</summary>
public sealed record ClaimedDelivery(string Id, string WebhookId, long Position, string EventType, string Payload, int Attempts, string LeaseToken);

public enum ReplayOutcome
{
    /// <summary>The webhook has no such delivery.</summary>
    NotFound,
    NotDead,
    Replayed,

    /// <summary>The webhook does not exist (for the caller).</summary>
    NoWebhook,
}

/// <summary>The tables <c>gridgov_webhooks</c> and <c>gridgov_webhook_deliveries</c> on PostgreSQL or SQLite.</summary>
public sealed class WebhookStore(DatabaseKind database, string connectionString)
{
    private const int MaxRowsPerStatement = 200;

    private const string WebhookColumns = "id, district, territory, url, events, description, secret, owner, owner_role, created_at, after_position";

    private const string DeliveryColumns = "id, webhook_id, position, event_type, payload, status, attempts, last_status, last_error, created_at, finished_at";

    /// <summary>Where a due delivery not under a live lease is: what a deliverer may claim.</summary>
    private const string Due = $"status = '{DeliveryStatus.Pending}' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)";

    private Task<T> RunAsync<T>(string sql, Action<DbCommand> bind, Func<DbCommand, Task<T>> execute, CancellationToken cancellationToken) =>
        Database.RunAsync(database, connectionString, sql, bind, execute, cancellationToken);

    public Task InsertAsync(StoredWebhook w, CancellationToken cancellationToken) => RunAsync(
        $"""
        INSERT INTO gridgov_webhooks ({WebhookColumns})
        VALUES (@id, @district, @territory, @url, @events, @description, @secret, @owner, @owner_role, @created_at, @after)
        """,
        command =>
        {
            command.AddParameter("id", w.Id);
            command.AddParameter("district", w.District);
            command.AddParameter("territory", w.Territory);
            command.AddParameter("url", w.Url);
            command.AddParameter("events", string.Join(' ', w.Events));
            command.AddText("description", w.Description);
            command.AddParameter("secret", w.SealedSecret);
            command.AddParameter("owner", w.Owner);
            command.AddParameter("owner_role", w.OwnerRole);
            command.AddTimestamp(database, "created_at", w.CreatedAt);
            command.AddParameter("after", w.AfterPosition);
        },
        command => command.ExecuteNonQueryAsync(cancellationToken),
        cancellationToken);

    public async Task<int> CountAsync(string district, CancellationToken cancellationToken) => (int)await RunAsync(
        "SELECT COUNT(*) FROM gridgov_webhooks WHERE district = @district",
        command => command.AddParameter("district", district),
        command => command.ExecuteInt64Async(cancellationToken),
        cancellationToken);

    public async Task<StoredWebhook?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var found = await RunAsync(
            $"SELECT {WebhookColumns} FROM gridgov_webhooks WHERE id = @id",
            command => command.AddParameter("id", id),
            command => command.ReadAllAsync(ReadWebhook, cancellationToken),
            cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>A district's webhooks (only those of <paramref name="owner"/> when given), by id after the cursor.</summary>
    public Task<IReadOnlyList<StoredWebhook>> ListAsync(string district, string? owner, string? after, int limit, CancellationToken cancellationToken) => RunAsync(
        $"""
        SELECT {WebhookColumns} FROM gridgov_webhooks
        WHERE district = @district AND (@owner IS NULL OR owner = @owner) AND id > @after
        ORDER BY id LIMIT @limit
        """,
        command =>
        {
            command.AddParameter("district", district);
            command.AddText("owner", owner);
            command.AddParameter("after", after ?? "");
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(ReadWebhook, cancellationToken),
        cancellationToken);

    /// <summary>Every webhook of every district: what the router matches events against.</summary>
    public Task<IReadOnlyList<StoredWebhook>> AllAsync(CancellationToken cancellationToken) => RunAsync(
        $"SELECT {WebhookColumns} FROM gridgov_webhooks",
        _ => { },
        command => command.ReadAllAsync(ReadWebhook, cancellationToken),
        cancellationToken);

    /// <summary>Deletes a webhook and its deliveries, pending and dead. False when there was none.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => Database.WriteAsync(
        database,
        connectionString,
        async (connection, transaction) =>
        {
            await using (var command = connection.Command("DELETE FROM gridgov_webhook_deliveries WHERE webhook_id = @id", transaction))
            {
                command.AddParameter("id", id);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var webhook = connection.Command("DELETE FROM gridgov_webhooks WHERE id = @id", transaction);
            webhook.AddParameter("id", id);
            return await webhook.ExecuteNonQueryAsync(cancellationToken) > 0;
        },
        cancellationToken);

    /// <summary>
    /// Inserts a pending delivery per (webhook, event) pair, due now; a pair already there is left alone, so routing
    /// the same events twice (two hosts, a retry) makes no second delivery.
    /// </summary>
    public async Task<int> InsertDeliveriesAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(StoredWebhook Webhook, LiveEntry Entry)> pairs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var inserted = 0;
        foreach (var chunk in pairs.Chunk(MaxRowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO gridgov_webhook_deliveries (id, webhook_id, position, event_type, payload, status, attempts, next_attempt_at, created_at) VALUES");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? " " : ", ").Append(CultureInfo.InvariantCulture,
                    $"(@id{i}, @webhook{i}, @position{i}, @type{i}, @payload{i}, '{DeliveryStatus.Pending}', 0, @now, @now)");
            }

            sql.Append(" ON CONFLICT (webhook_id, position) DO NOTHING");
            await using var command = connection.Command(sql.ToString(), transaction);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (webhook, entry) = chunk[i];
                command.AddParameter($"id{i}", Guid.CreateVersion7(now).ToString());
                command.AddParameter($"webhook{i}", webhook.Id);
                command.AddParameter($"position{i}", entry.Position);
                command.AddParameter($"type{i}", entry.Type);
                command.AddParameter($"payload{i}", Encoding.UTF8.GetString(entry.Json.Span));
            }

            command.AddTimestamp(database, "now", now);
            inserted += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return inserted;
    }

    /// <summary>
    /// Due deliveries not under a live lease, at most <paramref name="perWebhook"/> per webhook, oldest due first:
    /// the candidates a deliverer then claims.
    /// </summary>
    public Task<IReadOnlyList<(string Id, string WebhookId)>> CandidatesAsync(DateTimeOffset now, int perWebhook, int limit, CancellationToken cancellationToken) => RunAsync(
        $"""
        SELECT id, webhook_id FROM (
            SELECT id, webhook_id, next_attempt_at, position,
                   ROW_NUMBER() OVER (PARTITION BY webhook_id ORDER BY next_attempt_at, position) AS n
            FROM gridgov_webhook_deliveries
            WHERE {Due}
        ) due
        WHERE n <= @per_webhook
        ORDER BY next_attempt_at, position
        LIMIT @limit
        """,
        command =>
        {
            command.AddTimestamp(database, "now", now);
            command.AddParameter("per_webhook", perWebhook);
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(reader => (reader.GetString(0), reader.GetString(1)), cancellationToken),
        cancellationToken);

    /// <summary>
    /// Leases the given deliveries that are still due and unleased, until <paramref name="leaseUntil"/>. On PostgreSQL
    /// rows another host is claiming right now are skipped (<c>FOR UPDATE SKIP LOCKED</c>), so no attempt is made
    /// twice at once; a lease that runs out (a host died mid-attempt) makes the delivery due again.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(IReadOnlyList<string> ids, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var token = Guid.NewGuid().ToString("N");
        var list = string.Join(", ", ids.Select((_, i) => $"@id{i}"));
        var target = database == DatabaseKind.PostgreSql
            ? $"id IN (SELECT id FROM gridgov_webhook_deliveries WHERE id IN ({list}) AND {Due} FOR UPDATE SKIP LOCKED)"
            : $"id IN ({list}) AND {Due}";
        return await RunAsync(
            $"""
            UPDATE gridgov_webhook_deliveries SET lease_until = @lease_until, lease_token = @token
            WHERE {target}
            RETURNING id, webhook_id, position, event_type, payload, attempts
            """,
            command =>
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    command.AddParameter($"id{i}", ids[i]);
                }

                command.AddTimestamp(database, "now", now);
                command.AddTimestamp(database, "lease_until", leaseUntil);
                command.AddParameter("token", token);
            },
            command => command.ReadAllAsync(
                reader => new ClaimedDelivery(
                    reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                    Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture), token),
                cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Records an attempt of a claimed delivery: delivered, due again at <paramref name="retryAt"/>, or dead (retryAt
    /// null). Nothing happens when the claim is no longer this deliverer's.
    /// </summary>
    public Task RecordAttemptAsync(
        ClaimedDelivery delivery, bool delivered, DateTimeOffset? retryAt, int? status, string? error, DateTimeOffset now, CancellationToken cancellationToken) => RunAsync(
        """
        UPDATE gridgov_webhook_deliveries
        SET status = @status, attempts = attempts + 1, next_attempt_at = COALESCE(@retry_at, next_attempt_at),
            lease_until = NULL, lease_token = NULL, last_status = @last_status, last_error = @last_error, finished_at = @finished_at
        WHERE id = @id AND lease_token = @token
        """,
        command =>
        {
            command.AddParameter("status", delivered ? DeliveryStatus.Delivered : retryAt is null ? DeliveryStatus.Dead : DeliveryStatus.Pending);
            command.AddTimestamp(database, "retry_at", retryAt);
            command.AddParameter("last_status", status);
            command.AddText("last_error", error is { Length: > 500 } ? error[..500] : error);
            command.AddTimestamp(database, "finished_at", delivered || retryAt is null ? now : null);
            command.AddParameter("id", delivery.Id);
            command.AddParameter("token", delivery.LeaseToken);
        },
        command => command.ExecuteNonQueryAsync(cancellationToken),
        cancellationToken);

    /// <summary>A webhook's deliveries in one status, by position after the cursor.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string webhookId, string status, long after, int limit, CancellationToken cancellationToken) => RunAsync(
        $"""
        SELECT {DeliveryColumns} FROM gridgov_webhook_deliveries
        WHERE webhook_id = @webhook AND status = @status AND position > @after
        ORDER BY position LIMIT @limit
        """,
        command =>
        {
            command.AddParameter("webhook", webhookId);
            command.AddParameter("status", status);
            command.AddParameter("after", after);
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(
            reader => new WebhookDelivery(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
                reader.IsDBNull(7) ? null : Convert.ToInt32(reader.GetValue(7), CultureInfo.InvariantCulture),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetTimestamp(database, 9)!.Value,
                reader.GetTimestamp(database, 10)),
            cancellationToken),
        cancellationToken);

    /// <summary>Makes a webhook's dead letter (or, with no delivery id, all of them) due again now, with a fresh count of attempts.</summary>
    public async Task<(ReplayOutcome Outcome, int Count)> ReplayAsync(string webhookId, string? deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.Command($"""
            UPDATE gridgov_webhook_deliveries
            SET status = '{DeliveryStatus.Pending}', attempts = 0, next_attempt_at = @now, lease_until = NULL, lease_token = NULL, finished_at = NULL
            WHERE webhook_id = @webhook AND status = '{DeliveryStatus.Dead}' AND (@delivery IS NULL OR id = @delivery)
            """);
        command.AddTimestamp(database, "now", now);
        command.AddParameter("webhook", webhookId);
        command.AddText("delivery", deliveryId);
        var count = await command.ExecuteNonQueryAsync(cancellationToken);
        if (count > 0 || deliveryId is null)
        {
            return (ReplayOutcome.Replayed, count);
        }

        await using var exists = connection.Command("SELECT COUNT(*) FROM gridgov_webhook_deliveries WHERE webhook_id = @webhook AND id = @delivery");
        exists.AddParameter("webhook", webhookId);
        exists.AddParameter("delivery", deliveryId);
        return (await exists.ExecuteInt64Async(cancellationToken) > 0 ? ReplayOutcome.NotDead : ReplayOutcome.NotFound, 0);
    }

    /// <summary>Deletes deliveries delivered before <paramref name="deliveredBefore"/> and dead letters from before <paramref name="deadBefore"/>.</summary>
    public Task<int> PruneDeliveriesAsync(DateTimeOffset deliveredBefore, DateTimeOffset deadBefore, CancellationToken cancellationToken) => RunAsync(
        $"""
        DELETE FROM gridgov_webhook_deliveries
        WHERE (status = '{DeliveryStatus.Delivered}' AND finished_at < @delivered_before)
           OR (status = '{DeliveryStatus.Dead}' AND finished_at < @dead_before)
        """,
        command =>
        {
            command.AddTimestamp(database, "delivered_before", deliveredBefore);
            command.AddTimestamp(database, "dead_before", deadBefore);
        },
        command => command.ExecuteNonQueryAsync(cancellationToken),
        cancellationToken);

    private StoredWebhook ReadWebhook(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        reader.GetString(4).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetString(6), reader.GetString(7), reader.GetString(8),
        reader.GetTimestamp(database, 9)!.Value,
        reader.GetInt64(10));
}
