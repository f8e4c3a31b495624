using System.Data.Common;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Decisions;
using GridGov.Hosting.Storage;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting.Live;

/// <summary>
/// Reads the case-event log (<c>gridgov_case_events</c>, appended by the grids' read-model writes) and prunes it.
/// Positions increase, but on PostgreSQL a transaction may commit a lower position after a higher one and a rolled-back
/// one leaves a hole: <see cref="ContiguousReader"/> turns what this reads into a gap-free sequence.
/// </summary>
public sealed class CaseEventLog(DatabaseKind database, string connectionString)
{
    public const string PrunedThroughMark = "pruned-through";
    public const string RouterMark = "webhook-router";

    private const int PruneBatch = 5000;

    public DatabaseKind Database => database;

    public string ConnectionString => connectionString;

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        Storage.Database.OpenAsync(database, connectionString, cancellationToken);

    /// <summary>The highest position written so far (0 for an empty log).</summary>
    public Task<long> LastPositionAsync(CancellationToken cancellationToken) => Storage.Database.RunAsync(
        database, connectionString, "SELECT COALESCE(MAX(position), 0) FROM gridgov_case_events",
        _ => { }, command => command.ExecuteInt64Async(cancellationToken), cancellationToken);

    /// <summary>The events after <paramref name="after"/>, in position order, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<LiveEntry>> ReadAfterAsync(long after, int limit, CancellationToken cancellationToken) => Storage.Database.RunAsync(
        database,
        connectionString,
        """
        SELECT position, district, payload, type FROM gridgov_case_events
        WHERE position > @after ORDER BY position LIMIT @limit
        """,
        command =>
        {
            command.AddParameter("after", after);
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(ReadEntry, cancellationToken),
        cancellationToken);

    /// <summary>
    /// The events of <paramref name="territory"/> and everything below it with positions in (after, through], in
    /// position order, at most <paramref name="limit"/>: the backlog of a resuming feed.
    /// </summary>
    public Task<IReadOnlyList<LiveEntry>> ReadSubtreeAsync(string territory, long after, long through, int limit, CancellationToken cancellationToken) => Storage.Database.RunAsync(
        database,
        connectionString,
        """
        SELECT position, district, payload, type FROM gridgov_case_events
        WHERE district = @district AND grid_code LIKE @prefix AND position > @after AND position <= @through
        ORDER BY position LIMIT @limit
        """,
        command =>
        {
            command.AddParameter("district", DistrictCode.Of(territory));
            command.AddParameter("prefix", territory + "%");
            command.AddParameter("after", after);
            command.AddParameter("through", through);
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(ReadEntry, cancellationToken),
        cancellationToken);

    /// <summary>The highest position retention has deleted: a feed resuming from below it has lost events.</summary>
    public async Task<long> PrunedThroughAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await MarkAsync(connection, null, PrunedThroughMark, cancellationToken);
    }

    /// <summary>
    /// Deletes the oldest events: the prefix of the log before the first event at or after <paramref name="cutoff"/>
    /// (only a prefix, so a late-written old event never takes newer ones with it), in batches, recording the highest
    /// deleted position in the same transaction. Answers how many events it deleted.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        long boundary;
        await using (var command = connection.Command("""
            SELECT COALESCE(
                (SELECT position FROM gridgov_case_events WHERE at >= @cutoff ORDER BY position LIMIT 1),
                (SELECT COALESCE(MAX(position), 0) + 1 FROM gridgov_case_events))
            """))
        {
            command.AddTimestamp(database, "cutoff", cutoff);
            boundary = await command.ExecuteInt64Async(cancellationToken);
        }

        var deleted = 0;
        while (true)
        {
            await using var transaction = await connection.BeginWriteAsync(cancellationToken);
            long highest;
            await using (var command = connection.Command(
                """
                SELECT MAX(position) FROM (
                    SELECT position FROM gridgov_case_events WHERE position < @boundary ORDER BY position LIMIT @batch) b
                """,
                transaction))
            {
                command.AddParameter("boundary", boundary);
                command.AddParameter("batch", PruneBatch);
                var result = await command.ExecuteScalarAsync(cancellationToken);
                if (result is null or DBNull)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return deleted;
                }

                highest = Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
            }

            await using (var command = connection.Command("UPDATE gridgov_live_marks SET value = @value WHERE name = @name AND value < @value", transaction))
            {
                command.AddParameter("value", highest);
                command.AddParameter("name", PrunedThroughMark);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = connection.Command("DELETE FROM gridgov_case_events WHERE position <= @highest", transaction))
            {
                command.AddParameter("highest", highest);
                deleted += await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>A named position of gridgov_live_marks (0 when absent).</summary>
    internal static async Task<long> MarkAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT value FROM gridgov_live_marks WHERE name = @name", transaction);
        command.AddParameter("name", name);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static LiveEntry ReadEntry(DbDataReader reader)
    {
        var position = reader.GetInt64(0);
        var district = reader.GetString(1);
        if (reader.GetString(3).StartsWith(DecisionEvents.Prefix, StringComparison.Ordinal))
        {
            return LiveJson.DecisionEntry(position, district, reader.GetString(2));
        }

        CaseEvent? e;
        try
        {
            e = JsonSerializer.Deserialize<CaseEvent>(reader.GetString(2), LiveJson.Log);
        }
        catch (JsonException)
        {
            e = null;
        }

        // An unreadable row still holds its position, so readers move past it instead of stopping there.
        return e is null
            ? new LiveEntry(position, district, "", "", "", ReadOnlyMemory<byte>.Empty)
            : LiveJson.Entry(position, district, e);
    }
}
