using System.Globalization;
using System.Text;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Grains.Cases;
using GridGov.Hosting.Storage;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting.Cases;

/// <summary>The case read model on PostgreSQL or SQLite: batched idempotent upserts, keyset-paged queries.</summary>
internal sealed partial class AdoNetCaseReadModel : ICaseReadModel
{
    private const int MaxRowsPerStatement = 200;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private const string UpsertSet = """
        ON CONFLICT (id) DO UPDATE SET
            grid_code = excluded.grid_code, state = excluded.state, category = excluded.category,
            deadline = excluded.deadline, overdue = excluded.overdue, warned = excluded.warned, assignee = excluded.assignee,
            version = excluded.version, snapshot = excluded.snapshot, handled_at = excluded.handled_at, escalated_at = excluded.escalated_at,
            police_area = excluded.police_area, enterprise_id = excluded.enterprise_id
        WHERE gridgov_cases.version < excluded.version
        """;

    private readonly DatabaseKind _database;
    private readonly string _connectionString;
    private readonly GroupCommit<Projection> _commits;

    public AdoNetCaseReadModel(DatabaseKind database, string connectionString)
    {
        (_database, _connectionString) = (database, connectionString);
        _commits = new GroupCommit<Projection>(WriteGroupAsync, (p, e) => p.Done.TrySetException(e));
    }

    /// <summary>
    /// Projects one grid's batch together with whatever the silo's other grids hand over meanwhile (group commit): the
    /// database sees one write per round trip rather than one per grid per flush. Each caller is answered when the write
    /// that carried its batch committed.
    /// </summary>
    public Task ProjectAsync(IReadOnlyCollection<CaseSnapshot> cases, IReadOnlyCollection<CaseEvent> events, CancellationToken cancellationToken)
    {
        var projection = new Projection(cases, events);
        _commits.Enqueue(projection);
        return projection.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteGroupAsync(List<Projection> batch)
    {
        try
        {
            await WriteAsync(batch);
            batch.ForEach(p => p.Done.TrySetResult());
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One grid's rows must not hold the others back: each batch on its own, so only a failing one fails.
            foreach (var projection in batch)
            {
                try
                {
                    await WriteAsync([projection]);
                    projection.Done.TrySetResult();
                }
                catch (Exception e)
                {
                    projection.Done.TrySetException(e);
                }
            }
        }
    }

    private sealed record Projection(IReadOnlyCollection<CaseSnapshot> Cases, IReadOnlyCollection<CaseEvent> Events)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Task WriteAsync(IReadOnlyList<Projection> batch)
    {
        // A case two grids hand over (it moved between them) is written once, at its newest version: one statement may
        // not upsert a row twice.
        var cases = new Dictionary<string, CaseSnapshot>(StringComparer.Ordinal);
        foreach (var c in batch.SelectMany(p => p.Cases))
        {
            if (!cases.TryGetValue(c.Id, out var other) || other.Version < c.Version)
            {
                cases[c.Id] = c;
            }
        }

        var events = batch.SelectMany(p => p.Events).ToArray();
        return _database == DatabaseKind.PostgreSql
            ? ProjectOnPostgresAsync(cases.Values, events, CancellationToken.None)
            : ProjectRowByRowAsync(cases.Values, events, CancellationToken.None);
    }

    /// <summary>
    /// PostgreSQL: both statements in one batch (one round trip, one implicit transaction), each with a fixed text that
    /// takes its rows as arrays, so it is parsed and planned once per connection rather than once per row count.
    /// </summary>
    private async Task ProjectOnPostgresAsync(IReadOnlyCollection<CaseSnapshot> cases, IReadOnlyCollection<CaseEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = (Npgsql.NpgsqlConnection)await Database.OpenAsync(_database, _connectionString, cancellationToken);
        await using var batch = connection.CreateBatch();
        if (events.Count > 0)
        {
            var insert = new Npgsql.NpgsqlBatchCommand("""
                INSERT INTO gridgov_case_events (district, grid_code, case_id, version, type, at, payload)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[], $7::text[])
                """);
            insert.Parameters.Add(new() { Value = events.Select(e => DistrictCode.Of(e.CaseId)).ToArray() });
            insert.Parameters.Add(new() { Value = events.Select(e => e.GridCode).ToArray() });
            insert.Parameters.Add(new() { Value = events.Select(e => e.CaseId).ToArray() });
            insert.Parameters.Add(new() { Value = events.Select(e => e.Version).ToArray() });
            insert.Parameters.Add(new() { Value = events.Select(e => e.Type).ToArray() });
            insert.Parameters.Add(new() { Value = events.Select(e => e.At.UtcDateTime).ToArray() });
            insert.Parameters.Add(new() { Value = events.Select(e => JsonSerializer.Serialize(e, Json)).ToArray() });
            batch.BatchCommands.Add(insert);
        }

        if (cases.Count > 0)
        {
            var upsert = new Npgsql.NpgsqlBatchCommand($"""
                INSERT INTO gridgov_cases (id, district, grid_code, state, category, source, reported_at, deadline, overdue, warned, assignee, version, snapshot, handled_at, escalated_at, police_area, enterprise_id)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                    $8::timestamptz[], $9::boolean[], $10::boolean[], $11::text[], $12::bigint[], $13::text[], $14::smallint[], $15::timestamptz[], $16::text[], $17::text[])
                {UpsertSet}
                """);
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Id).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => DistrictCode.Of(c.Id)).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.GridCode).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.State.ToString()).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Category).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Source.ToString()).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.ReportedAt.UtcDateTime).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Deadline?.UtcDateTime).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Overdue).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Warned).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Assignee).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.Version).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => JsonSerializer.Serialize(c, Json)).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => (short)c.HandledAt).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.EscalatedAt?.UtcDateTime).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.PoliceArea).ToArray() });
            upsert.Parameters.Add(new() { Value = cases.Select(c => c.EnterpriseId).ToArray() });
            batch.BatchCommands.Add(upsert);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task ProjectRowByRowAsync(IReadOnlyCollection<CaseSnapshot> cases, IReadOnlyCollection<CaseEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(_database, _connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in events.Chunk(MaxRowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO gridgov_case_events (district, grid_code, case_id, version, type, at, payload) VALUES");
            for (var i = 0; i < chunk.Length; i++)
            {
                var e = chunk[i];
                sql.Append(i == 0 ? " " : ", ").Append(CultureInfo.InvariantCulture,
                    $"(@district{i}, @grid{i}, @case{i}, @version{i}, @type{i}, @at{i}, @payload{i})");
                command.AddParameter($"district{i}", DistrictCode.Of(e.CaseId));
                command.AddParameter($"grid{i}", e.GridCode);
                command.AddParameter($"case{i}", e.CaseId);
                command.AddParameter($"version{i}", e.Version);
                command.AddParameter($"type{i}", e.Type);
                command.AddTimestamp(_database, $"at{i}", e.At);
                command.AddParameter($"payload{i}", JsonSerializer.Serialize(e, Json));
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var chunk in cases.Chunk(MaxRowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("""
                INSERT INTO gridgov_cases (id, district, grid_code, state, category, source, reported_at, deadline, overdue, warned, assignee, version, snapshot, handled_at, escalated_at, police_area, enterprise_id)
                VALUES
                """);
            for (var i = 0; i < chunk.Length; i++)
            {
                var c = chunk[i];
                sql.Append(i == 0 ? " " : ", ").Append(CultureInfo.InvariantCulture,
                    $"(@id{i}, @district{i}, @grid{i}, @state{i}, @category{i}, @source{i}, @reported{i}, @deadline{i}, @overdue{i}, @warned{i}, @assignee{i}, @version{i}, @snapshot{i}, @handled{i}, @escalated{i}, @police{i}, @enterprise{i})");
                command.AddParameter($"id{i}", c.Id);
                command.AddParameter($"district{i}", DistrictCode.Of(c.Id));
                command.AddParameter($"grid{i}", c.GridCode);
                command.AddParameter($"state{i}", c.State.ToString());
                command.AddParameter($"category{i}", c.Category);
                command.AddParameter($"source{i}", c.Source.ToString());
                command.AddTimestamp(_database, $"reported{i}", c.ReportedAt);
                command.AddTimestamp(_database, $"deadline{i}", c.Deadline);
                command.AddParameter($"overdue{i}", _database == DatabaseKind.PostgreSql ? c.Overdue : c.Overdue ? 1 : 0);
                command.AddParameter($"warned{i}", _database == DatabaseKind.PostgreSql ? c.Warned : c.Warned ? 1 : 0);
                command.AddText($"assignee{i}", c.Assignee);
                command.AddParameter($"version{i}", c.Version);
                command.AddParameter($"snapshot{i}", JsonSerializer.Serialize(c, Json));
                command.AddParameter($"handled{i}", (int)c.HandledAt);
                command.AddTimestamp(_database, $"escalated{i}", c.EscalatedAt);
                command.AddText($"police{i}", c.PoliceArea);
                command.AddText($"enterprise{i}", c.EnterpriseId);
            }

            sql.Append('\n').Append(UpsertSet);
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<CaseSnapshot>> CasesOfNodeAsync(string code, CancellationToken cancellationToken)
    {
        var cases = new List<CaseSnapshot>();
        await foreach (var c in ReadAsync("grid_code = @code", DistrictCode.Of(code), code, cancellationToken))
        {
            cases.Add(c);
        }

        return cases;
    }

    public IAsyncEnumerable<CaseSnapshot> CasesUnderAsync(string code, CancellationToken cancellationToken) =>
        ReadAsync("grid_code LIKE @code", DistrictCode.Of(code), code + "%", cancellationToken);

    public IAsyncEnumerable<CaseSnapshot> CasesAssignedAsync(string district, string assignee, CancellationToken cancellationToken) =>
        ReadAsync("assignee = @code", district, assignee, cancellationToken);

    /// <summary>The snapshots of one district's cases that match a condition on <c>@code</c>.</summary>
    private async IAsyncEnumerable<CaseSnapshot> ReadAsync(
        string condition, string district, string code, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(_database, _connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT snapshot FROM gridgov_cases WHERE district = @district AND {condition}";
        command.AddParameter("district", district);
        command.AddParameter("code", code);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return JsonSerializer.Deserialize<CaseSnapshot>(reader.GetString(0), Json)!;
        }
    }

    public async Task<IReadOnlyList<CaseSnapshot>> QueryAsync(CaseQuery q, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(_database, _connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (q.District is not null)
        {
            where.Add("district = @district");
            command.AddParameter("district", q.District);
        }

        if (q.Territory is not null)
        {
            where.Add("grid_code LIKE @territory");
            command.AddParameter("territory", q.Territory + "%");
        }

        if (q.State is { } state)
        {
            where.Add("state = @state");
            command.AddParameter("state", state.ToString());
        }

        if (q.Category is not null)
        {
            where.Add("category = @category");
            command.AddParameter("category", q.Category);
        }

        if (q.Ids is { Count: > 0 } ids)
        {
            where.Add($"id IN ({In(command, "id", ids)})");
        }

        if (q.Categories is { Count: > 0 } categories)
        {
            where.Add($"category IN ({In(command, "category", categories)})");
        }

        if (q.Overdue is { } overdue)
        {
            where.Add("overdue = @overdue");
            command.AddParameter("overdue", _database == DatabaseKind.PostgreSql ? overdue : overdue ? 1 : 0);
        }

        if (q.Warned is { } warned)
        {
            // Warned (督办) and not yet overdue: the cases at risk.
            where.Add(warned ? "(warned = @warned AND overdue = @not_warned)" : "warned = @warned");
            command.AddParameter("warned", _database == DatabaseKind.PostgreSql ? warned : warned ? 1 : 0);
            command.AddParameter("not_warned", _database == DatabaseKind.PostgreSql ? !warned : warned ? 0 : 1);
        }

        if (q.Open is { } open)
        {
            where.Add((open ? "" : "NOT ") + "state IN ('Reported', 'Filed', 'Dispatched', 'InProgress', 'Resolved')");
        }

        if (q.From is { } from)
        {
            where.Add("reported_at >= @from");
            command.AddTimestamp(_database, "from", from);
        }

        if (q.To is { } to)
        {
            where.Add("reported_at < @to");
            command.AddTimestamp(_database, "to", to);
        }

        if (q.Assignee is not null)
        {
            where.Add("assignee = @assignee");
            command.AddParameter("assignee", q.Assignee);
        }

        if (q.EnterpriseId is not null)
        {
            where.Add("enterprise_id = @enterprise");
            command.AddParameter("enterprise", q.EnterpriseId);
        }

        if (q.After is { } after)
        {
            where.Add("(reported_at < @after_at OR (reported_at = @after_at AND id < @after_id))");
            command.AddTimestamp(_database, "after_at", after.ReportedAt);
            command.AddParameter("after_id", after.Id);
        }

        command.CommandText = $"""
            SELECT snapshot FROM gridgov_cases
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY reported_at DESC, id DESC
            LIMIT @limit OFFSET @offset
            """;
        command.AddParameter("limit", q.Limit);
        command.AddParameter("offset", q.Offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<CaseSnapshot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(JsonSerializer.Deserialize<CaseSnapshot>(reader.GetString(0), Json)!);
        }

        return cases;
    }

    /// <summary>One parameter per value (<c>@id0, @id1…</c>), for an <c>IN</c> list.</summary>
    private static string In(System.Data.Common.DbCommand command, string name, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            command.AddParameter(name + i.ToString(CultureInfo.InvariantCulture), values[i]);
        }

        return string.Join(", ", values.Select((_, i) => "@" + name + i.ToString(CultureInfo.InvariantCulture)));
    }
}
