using System.Threading.Channels;
using GridGov.Hosting;
using GridGov.Hosting.Storage;
using Microsoft.Extensions.Hosting;

namespace GridGov.Hosting.Security;

/// <summary>One line of the audit log: who did what to which entity, from where, and how it ended.</summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Subject,
    string Role,
    string Scope,
    string? District,
    string Action,
    string? Entity,
    int Status,
    string? RemoteIp,
    string? TraceId,
    long Id = 0);

/// <summary>
/// The append-only audit log (table <c>gridgov_audit_log</c>). Writers wait until their entry is committed, so an
/// acknowledged change always has its audit line; entries that arrive together are committed together in one
/// multi-row INSERT (group commit), so auditing adds no round-trip per request under load.
/// </summary>
public sealed class AuditLog(GridGovSettings settings) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<(AuditEntry Entry, TaskCompletionSource Done)> _queue =
        Channel.CreateBounded<(AuditEntry, TaskCompletionSource)>(new BoundedChannelOptions(10_000) { SingleReader = true });

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((entry, done), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<AuditEntry>> QueryAsync(string? district, long? after, int limit, CancellationToken cancellationToken) => Database.RunAsync(
        settings.Database,
        settings.ConnectionString,
        """
        SELECT id, at, subject, role, scope, district, action, entity, status, remote_ip, trace_id
        FROM gridgov_audit_log
        WHERE (@district IS NULL OR district = @district) AND id > @after
        ORDER BY id LIMIT @limit
        """,
        command =>
        {
            command.AddText("district", district);
            command.AddParameter("after", after ?? 0L);
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(
            r => new AuditEntry(
                r.GetTimestamp(settings.Database, 1)!.Value, r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.GetInt32(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10),
                r.GetInt64(0)),
            cancellationToken),
        cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await InsertAsync(batch.Select(b => b.Entry).ToList(), stoppingToken);
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception e)
            {
                batch.ForEach(b => b.Done.TrySetException(e));
            }

            batch.Clear();
        }
    }

    private Task InsertAsync(List<AuditEntry> entries, CancellationToken cancellationToken) => settings.Database == DatabaseKind.PostgreSql
        ? Database.RunAsync(
            settings.Database,
            settings.ConnectionString,
            // One fixed text whatever the batch's size, its rows as arrays: parsed and planned once per connection, and ten
            // parameters rather than ten per row.
            """
            INSERT INTO gridgov_audit_log (at, subject, role, scope, district, action, entity, status, remote_ip, trace_id)
            SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::integer[], $9::text[], $10::text[])
            """,
            command =>
            {
                AddArray(command, entries.Select(e => e.At.UtcDateTime));
                AddArray(command, entries.Select(e => e.Subject));
                AddArray(command, entries.Select(e => e.Role));
                AddArray(command, entries.Select(e => e.Scope));
                AddArray(command, entries.Select(e => e.District));
                AddArray(command, entries.Select(e => e.Action));
                AddArray(command, entries.Select(e => e.Entity));
                AddArray(command, entries.Select(e => e.Status));
                AddArray(command, entries.Select(e => e.RemoteIp));
                AddArray(command, entries.Select(e => e.TraceId));
            },
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken)
        : Database.RunAsync(
            settings.Database,
            settings.ConnectionString,
            "INSERT INTO gridgov_audit_log (at, subject, role, scope, district, action, entity, status, remote_ip, trace_id) VALUES "
                + string.Join(", ", entries.Select((_, i) => string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"(@at{i}, @subject{i}, @role{i}, @scope{i}, @district{i}, @action{i}, @entity{i}, @status{i}, @ip{i}, @trace{i})"))),
            command =>
            {
                for (var i = 0; i < entries.Count; i++)
                {
                    var e = entries[i];
                    command.AddTimestamp(settings.Database, $"at{i}", e.At);
                    command.AddParameter($"subject{i}", e.Subject);
                    command.AddParameter($"role{i}", e.Role);
                    command.AddParameter($"scope{i}", e.Scope);
                    command.AddText($"district{i}", e.District);
                    command.AddParameter($"action{i}", e.Action);
                    command.AddText($"entity{i}", e.Entity);
                    command.AddParameter($"status{i}", e.Status);
                    command.AddText($"ip{i}", e.RemoteIp);
                    command.AddText($"trace{i}", e.TraceId);
                }
            },
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken);

    private static void AddArray<T>(System.Data.Common.DbCommand command, IEnumerable<T> values)
    {
        var parameter = command.CreateParameter();
        parameter.Value = values.ToArray();
        command.Parameters.Add(parameter);
    }
}
