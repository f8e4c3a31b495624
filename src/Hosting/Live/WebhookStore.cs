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
        && (Events.Contains(AllEvents) || Events.Contains(entry.Type));
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
    NotFound,
    NotDead,
    Replayed,
}

/// <summary>The tables <c>gridgov_webhooks</c> and <c>gridgov_webhook_deliveries</c> on PostgreSQL or SQLite.</summary>
public sealed class WebhookStore(DatabaseKind database, string connectionString)
{
    private const int MaxRowsPerStatement = 200;

    private const string WebhookColumns = "id, district, territory, url, events, description, secret, owner, owner_role, created_at, after_position";

    private const string DeliveryColumns = "id, webhook_id, position, event_type, payload, status, attempts, last_status, last_error, created_at, finished_at";

    private Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        Database.OpenAsync(database, connectionString, cancellationToken);

    public async Task InsertAsync(StoredWebhook w, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO gridgov_webhooks ({WebhookColumns})
            VALUES (@id, @district, @territory, @url, @events, @description, @secret, @owner, @owner_role, @created_at, @after)
            """;
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
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> CountAsync(string district, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM gridgov_webhooks WHERE district = @district";
        command.AddParameter("district", district);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<StoredWebhook?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {WebhookColumns} FROM gridgov_webhooks WHERE id = @id";
        command.AddParameter("id", id);
        var found = await ReadWebhooksAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>A district's webhooks (only those of <paramref name="owner"/> when given), by id after the cursor.</summary>
    public async Task<IReadOnlyList<StoredWebhook>> ListAsync(string district, string? owner, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {WebhookColumns} FROM gridgov_webhooks
            WHERE district = @district AND (@owner IS NULL OR owner = @owner) AND id > @after
            ORDER BY id LIMIT @limit
            """;
        command.AddParameter("district", district);
        command.AddText("owner", owner);
        command.AddParameter("after", after ?? "");
        command.AddParameter("limit", limit);
        return await ReadWebhooksAsync(command, cancellationToken);
    }

    /// <summary>Every webhook of every district: what the router matches events against.</summary>
    public async Task<IReadOnlyList<StoredWebhook>> AllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {WebhookColumns} FROM gridgov_webhooks";
        return await ReadWebhooksAsync(command, cancellationToken);
    }

    /// <summary>Deletes a webhook and its deliveries, pending and dead. False when there was none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await CaseEventLog.BeginWriteAsync(connection, cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM gridgov_webhook_deliveries WHERE webhook_id = @id";
            command.AddParameter("id", id);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        int deleted;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM gridgov_webhooks WHERE id = @id";
            command.AddParameter("id", id);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

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
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO gridgov_webhook_deliveries (id, webhook_id, position, event_type, payload, status, attempts, next_attempt_at, created_at) VALUES");
            for (var i = 0; i < chunk.Length; i++)
            {
                var (webhook, entry) = chunk[i];
                sql.Append(i == 0 ? " " : ", ").Append(CultureInfo.InvariantCulture,
                    $"(@id{i}, @webhook{i}, @position{i}, @type{i}, @payload{i}, '{DeliveryStatus.Pending}', 0, @now, @now)");
                command.AddParameter($"id{i}", Guid.CreateVersion7(now).ToString());
                command.AddParameter($"webhook{i}", webhook.Id);
                command.AddParameter($"position{i}", entry.Position);
                command.AddParameter($"type{i}", entry.Type);
                command.AddParameter($"payload{i}", Encoding.UTF8.GetString(entry.Json.Span));
            }

            command.AddTimestamp(database, "now", now);
            sql.Append(" ON CONFLICT (webhook_id, position) DO NOTHING");
            command.CommandText = sql.ToString();
            inserted += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return inserted;
    }

    /// <summary>
    /// Due deliveries not under a live lease, at most <paramref name="perWebhook"/> per webhook, oldest due first:
    /// the candidates a deliverer then claims.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string WebhookId)>> CandidatesAsync(DateTimeOffset now, int perWebhook, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT id, webhook_id FROM (
                SELECT id, webhook_id, next_attempt_at, position,
                       ROW_NUMBER() OVER (PARTITION BY webhook_id ORDER BY next_attempt_at, position) AS n
                FROM gridgov_webhook_deliveries
                WHERE status = '{DeliveryStatus.Pending}' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
            ) due
            WHERE n <= @per_webhook
            ORDER BY next_attempt_at, position
            LIMIT @limit
            """;
        command.AddTimestamp(database, "now", now);
        command.AddParameter("per_webhook", perWebhook);
        command.AddParameter("limit", limit);
        var candidates = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add((reader.GetString(0), reader.GetString(1)));
        }

        return candidates;
    }

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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var list = string.Join(", ", ids.Select((_, i) => $"@id{i}"));
        for (var i = 0; i < ids.Count; i++)
        {
            command.AddParameter($"id{i}", ids[i]);
        }

        var due = $"status = '{DeliveryStatus.Pending}' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)";
        var target = database == DatabaseKind.PostgreSql
            ? $"id IN (SELECT id FROM gridgov_webhook_deliveries WHERE id IN ({list}) AND {due} FOR UPDATE SKIP LOCKED)"
            : $"id IN ({list}) AND {due}";
        command.CommandText = $"""
            UPDATE gridgov_webhook_deliveries SET lease_until = @lease_until, lease_token = @token
            WHERE {target}
            RETURNING id, webhook_id, position, event_type, payload, attempts
            """;
        command.AddTimestamp(database, "now", now);
        command.AddTimestamp(database, "lease_until", leaseUntil);
        command.AddParameter("token", token);
        var claimed = new List<ClaimedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedDelivery(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture), token));
        }

        return claimed;
    }

    /// <summary>
    /// Records an attempt of a claimed delivery: delivered, due again at <paramref name="retryAt"/>, or dead (retryAt
    /// null). Nothing happens when the claim is no longer this deliverer's.
    /// </summary>
    public async Task RecordAttemptAsync(
        ClaimedDelivery delivery, bool delivered, DateTimeOffset? retryAt, int? status, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE gridgov_webhook_deliveries
            SET status = @status, attempts = attempts + 1, next_attempt_at = COALESCE(@retry_at, next_attempt_at),
                lease_until = NULL, lease_token = NULL, last_status = @last_status, last_error = @last_error, finished_at = @finished_at
            WHERE id = @id AND lease_token = @token
            """;
        command.AddParameter("status", delivered ? DeliveryStatus.Delivered : retryAt is null ? DeliveryStatus.Dead : DeliveryStatus.Pending);
        command.AddTimestamp(database, "retry_at", retryAt);
        command.AddParameter("last_status", status);
        command.AddText("last_error", error is { Length: > 500 } ? error[..500] : error);
        command.AddTimestamp(database, "finished_at", delivered || retryAt is null ? now : null);
        command.AddParameter("id", delivery.Id);
        command.AddParameter("token", delivery.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A webhook's deliveries in one status, by position after the cursor.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string webhookId, string status, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {DeliveryColumns} FROM gridgov_webhook_deliveries
            WHERE webhook_id = @webhook AND status = @status AND position > @after
            ORDER BY position LIMIT @limit
            """;
        command.AddParameter("webhook", webhookId);
        command.AddParameter("status", status);
        command.AddParameter("after", after);
        command.AddParameter("limit", limit);
        var deliveries = new List<WebhookDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new WebhookDelivery(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
                reader.IsDBNull(7) ? null : Convert.ToInt32(reader.GetValue(7), CultureInfo.InvariantCulture),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetTimestamp(database, 9)!.Value,
                reader.GetTimestamp(database, 10)));
        }

        return deliveries;
    }

    /// <summary>Makes a webhook's dead letter (or, with no delivery id, all of them) due again now, with a fresh count of attempts.</summary>
    public async Task<(ReplayOutcome Outcome, int Count)> ReplayAsync(string webhookId, string? deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE gridgov_webhook_deliveries
            SET status = '{DeliveryStatus.Pending}', attempts = 0, next_attempt_at = @now, lease_until = NULL, lease_token = NULL, finished_at = NULL
            WHERE webhook_id = @webhook AND status = '{DeliveryStatus.Dead}' AND (@delivery IS NULL OR id = @delivery)
            """;
        command.AddTimestamp(database, "now", now);
        command.AddParameter("webhook", webhookId);
        command.AddText("delivery", deliveryId);
        var count = await command.ExecuteNonQueryAsync(cancellationToken);
        if (count > 0 || deliveryId is null)
        {
            return (ReplayOutcome.Replayed, count);
        }

        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM gridgov_webhook_deliveries WHERE webhook_id = @webhook AND id = @delivery";
        exists.AddParameter("webhook", webhookId);
        exists.AddParameter("delivery", deliveryId);
        var found = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
        return (found ? ReplayOutcome.NotDead : ReplayOutcome.NotFound, 0);
    }

    /// <summary>Deletes deliveries delivered before <paramref name="deliveredBefore"/> and dead letters from before <paramref name="deadBefore"/>.</summary>
    public async Task<int> PruneDeliveriesAsync(DateTimeOffset deliveredBefore, DateTimeOffset deadBefore, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            DELETE FROM gridgov_webhook_deliveries
            WHERE (status = '{DeliveryStatus.Delivered}' AND finished_at < @delivered_before)
               OR (status = '{DeliveryStatus.Dead}' AND finished_at < @dead_before)
            """;
        command.AddTimestamp(database, "delivered_before", deliveredBefore);
        command.AddTimestamp(database, "dead_before", deadBefore);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<StoredWebhook>> ReadWebhooksAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var webhooks = new List<StoredWebhook>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            webhooks.Add(new StoredWebhook(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4).Split(' ', StringSplitOptions.RemoveEmptyEntries),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.GetTimestamp(database, 9)!.Value,
                reader.GetInt64(10)));
        }

        return webhooks;
    }
}
