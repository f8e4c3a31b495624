using System.Text.Json;
using GridGov.Contracts.Territory;
using GridGov.Grains.Decisions;
using GridGov.Hosting.Live;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Decisions;

/// <summary>
/// Appends decision events to the case-event log (<c>gridgov_case_events</c>) beside the cases' events, under the
/// village's territory code and a <c>decision.*</c> type, so the live feeds and the webhook router carry them with
/// no reader of their own (docs/party.md). The payload is the entry without personal data.
/// </summary>
public sealed class DecisionEventLog(DatabaseKind database, string connectionString) : IDecisionEventSink
{
    public Task AppendAsync(IReadOnlyList<DecisionLogEntry> entries, CancellationToken cancellationToken) =>
        entries.Count == 0
            ? Task.CompletedTask
            : Database.WriteAsync(database, connectionString, async (connection, transaction) =>
            {
                foreach (var e in entries)
                {
                    await using var command = connection.Command(
                        """
                        INSERT INTO gridgov_case_events (district, grid_code, case_id, version, type, at, payload)
                        VALUES (@district, @grid, @id, @version, @type, @at, @payload)
                        """,
                        transaction);
                    command.AddParameter("district", DistrictCode.Of(e.Village));
                    command.AddParameter("grid", e.Village);
                    command.AddParameter("id", e.DecisionId);
                    command.AddParameter("version", e.Version);
                    command.AddParameter("type", e.Type);
                    command.AddTimestamp(database, "at", e.At);
                    command.AddParameter("payload", JsonSerializer.Serialize(e, LiveJson.Log));
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                return entries.Count;
            }, cancellationToken);
}
