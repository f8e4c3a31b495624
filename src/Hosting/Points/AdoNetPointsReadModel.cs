using GridGov.Contracts.Cases;
using GridGov.Contracts.Points;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Points;

/// <summary>The ledgers' entries in <c>gridgov_point_entries</c>, and the leaderboards summed from them.</summary>
internal sealed class AdoNetPointsReadModel(DatabaseKind database, string connectionString) : IPointsReadModel
{
    public Task AppendAsync(string memberId, IReadOnlyList<PointEntry> entries, CancellationToken cancellationToken) =>
        Database.WriteAsync(
            database,
            connectionString,
            async (connection, transaction) =>
            {
                foreach (var entry in entries)
                {
                    await using var insert = connection.Command(
                        """
                        INSERT INTO gridgov_point_entries (member_id, seq, district, rule_code, rule_version, points, source, day, granted_at,
                            organization_id, branch_id, party_grid_id, grid_code)
                        VALUES (@member, @seq, @district, @rule, @version, @points, @source, @day, @at, @organization, @branch, @party_grid, @grid)
                        ON CONFLICT (member_id, seq) DO NOTHING
                        """,
                        transaction);
                    insert.AddParameter("member", memberId);
                    insert.AddParameter("seq", entry.Seq);
                    insert.AddParameter("district", DistrictCode.Of(memberId));
                    insert.AddParameter("rule", entry.RuleCode);
                    insert.AddParameter("version", entry.RuleVersion);
                    insert.AddParameter("points", entry.Points);
                    insert.AddParameter("source", entry.Source);
                    insert.AddParameter("day", Metrics.DayOf(entry.Day));
                    insert.AddTimestamp(database, "at", entry.At);
                    insert.AddText("organization", entry.Scope.OrganizationId);
                    insert.AddText("branch", entry.Scope.BranchId);
                    insert.AddText("party_grid", entry.Scope.PartyGridId);
                    insert.AddText("grid", entry.Scope.GridCode);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                return true;
            },
            cancellationToken);

    public Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(
        string district, LeaderboardScope scope, string scopeId, int fromDay, int toDay, int offset, int limit, CancellationToken cancellationToken)
    {
        var column = scope switch
        {
            LeaderboardScope.Grid => "grid_code",
            LeaderboardScope.PartyGrid => "party_grid_id",
            _ => "branch_id",
        };

        // Ties go by member id in ordinal order on both databases (PostgreSQL's default collation may not be).
        var byId = database == DatabaseKind.PostgreSql ? "member_id COLLATE \"C\"" : "member_id";

        // The page is ranked first, then named from the members' rows (a name is shown as it is now).
        var name = database == DatabaseKind.PostgreSql ? "m.snapshot::jsonb ->> 'Name'" : "json_extract(m.snapshot, '$.Name')";
        return Database.RunAsync(
            database,
            connectionString,
            $"""
            SELECT t.member_id, t.total, t.entries, {name} FROM (
                SELECT member_id, SUM(points) AS total, COUNT(*) AS entries FROM gridgov_point_entries
                WHERE district = @district AND {column} = @scope AND day >= @from AND day <= @to
                GROUP BY member_id
                ORDER BY total DESC, {byId}
                LIMIT @limit OFFSET @offset) t
            LEFT JOIN gridgov_party_members m ON m.id = t.member_id
            ORDER BY t.total DESC, t.{byId}
            """,
            command =>
            {
                command.AddParameter("district", district);
                command.AddParameter("scope", scopeId);
                command.AddParameter("from", fromDay);
                command.AddParameter("to", toDay);
                command.AddParameter("limit", limit);
                command.AddParameter("offset", offset);
            },
            command =>
            {
                var rank = offset;
                return command.ReadAllAsync(
                    reader => new LeaderboardRow(++rank, reader.GetString(0), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                        reader.IsDBNull(3) ? null : reader.GetString(3)),
                    cancellationToken);
            },
            cancellationToken);
    }
}
