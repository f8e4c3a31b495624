using System.Data.Common;
using System.Text.Json;
using GridGov.Contracts.People;
using GridGov.Grains.People;
using GridGov.Hosting.Storage;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting.People;

internal sealed class AdoNetPeopleReadModel : IPeopleReadModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private readonly DatabaseKind database;
    private readonly string connectionString;
    private readonly HouseholdRowWriter? _households;

    public AdoNetPeopleReadModel(DatabaseKind database, string connectionString)
    {
        this.database = database;
        this.connectionString = connectionString;
        if (database == DatabaseKind.PostgreSql)
        {
            _households = new HouseholdRowWriter(connectionString, Json);
        }
    }

    /// <summary>On PostgreSQL, households written at about the same moment share one statement (group commit).</summary>
    public Task UpsertHouseholdAsync(HouseholdSnapshot household, CancellationToken cancellationToken) =>
        _households is not null
            ? _households.WriteAsync(household, cancellationToken)
            : UpsertHouseholdStepByStepAsync(household, cancellationToken);

    /// <summary>Every care tag of every resident, and the household's tags, between separators: "|elderly-alone|veteran|".</summary>
    internal static string CareTagsColumn(HouseholdSnapshot household) =>
        "|" + string.Join("|", household.Tags.Concat(household.Residents.SelectMany(r => r.CareTags)).Distinct()) + "|";

    private Task UpsertHouseholdStepByStepAsync(HouseholdSnapshot household, CancellationToken cancellationToken) => WriteAsync(
        async (connection, transaction) =>
        {
            await using (var command = connection.Command(
                """
                INSERT INTO gridgov_households (id, district, grid_code, micro_grid, care_tags, version, snapshot)
                VALUES (@id, @district, @grid, @micro, @tags, @version, @snapshot)
                ON CONFLICT (id) DO UPDATE SET
                    grid_code = excluded.grid_code, micro_grid = excluded.micro_grid, care_tags = excluded.care_tags,
                    version = excluded.version, snapshot = excluded.snapshot
                WHERE gridgov_households.version < excluded.version
                """,
                transaction))
            {
                command.AddParameter("id", household.Id);
                command.AddParameter("district", DistrictCode.Of(household.Id));
                command.AddParameter("grid", household.Address.GridCode);
                command.AddText("micro", household.Address.MicroGridCode);
                command.AddParameter("tags", CareTagsColumn(household));
                command.AddParameter("version", household.Version);
                command.AddParameter("snapshot", JsonSerializer.Serialize(household, Json));
                if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return false; // a newer version is already there
                }
            }

            await using (var delete = connection.Command("DELETE FROM gridgov_residents WHERE household_id = @id", transaction))
            {
                delete.AddParameter("id", household.Id);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var resident in household.Residents)
            {
                await using var insert = connection.Command(
                    """
                    INSERT INTO gridgov_residents (id, household_id, district, id_number_hash) VALUES (@id, @household, @district, @hash)
                    ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id, id_number_hash = excluded.id_number_hash
                    """,
                    transaction);
                insert.AddParameter("id", resident.Id);
                insert.AddParameter("household", household.Id);
                insert.AddParameter("district", DistrictCode.Of(household.Id));
                insert.AddText("hash", resident.IdNumberHash);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return true;
        },
        cancellationToken);

    public Task<IReadOnlyList<HouseholdSnapshot>> ListHouseholdsAsync(string territory, string? careTag, string? after, int limit, CancellationToken cancellationToken) =>
        QuerySnapshotsAsync<HouseholdSnapshot>(
            """
            SELECT snapshot FROM gridgov_households
            WHERE grid_code LIKE @territory AND (@tag IS NULL OR care_tags LIKE @tag) AND (@after IS NULL OR id > @after)
            ORDER BY id LIMIT @limit
            """,
            command =>
            {
                command.AddParameter("territory", territory[..Math.Min(territory.Length, 15)] + "%");
                command.AddText("tag", careTag is null ? null : $"%|{careTag}|%");
                command.AddText("after", after);
                command.AddParameter("limit", limit);
            },
            cancellationToken);

    public Task UpsertOrganizationAsync(PartyOrganizationSnapshot organization, long revision, CancellationToken cancellationToken) =>
        UpsertRowAsync(
            """
            INSERT INTO gridgov_party_organizations (id, district, party_grid_id, grid_code, version, snapshot)
            VALUES (@id, @district, @party_grid, @grid, @version, @snapshot)
            ON CONFLICT (id) DO UPDATE SET party_grid_id = excluded.party_grid_id, grid_code = excluded.grid_code,
                version = excluded.version, snapshot = excluded.snapshot
            WHERE gridgov_party_organizations.version < excluded.version
            """,
            organization.Id,
            revision,
            JsonSerializer.Serialize(organization, Json),
            command =>
            {
                command.AddText("party_grid", organization.PartyGridId);
                command.AddText("grid", organization.GridCode);
            },
            cancellationToken);

    public Task UpsertMemberAsync(PartyMemberSnapshot member, CancellationToken cancellationToken) =>
        UpsertRowAsync(
            """
            INSERT INTO gridgov_party_members (id, district, organization_id, version, snapshot, mobile)
            VALUES (@id, @district, @organization, @version, @snapshot, @mobile)
            ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, version = excluded.version, snapshot = excluded.snapshot, mobile = excluded.mobile
            WHERE gridgov_party_members.version < excluded.version
            """,
            member.Id,
            member.Version,
            JsonSerializer.Serialize(member, Json),
            command =>
            {
                command.AddParameter("organization", member.OrganizationId);
                command.AddParameter("mobile", member.Mobile);
            },
            cancellationToken);

    public Task<IReadOnlyList<PartyOrganizationSnapshot>> ListOrganizationsAsync(string partyGridId, IReadOnlyList<string> gridCodes, CancellationToken cancellationToken)
    {
        var grids = gridCodes.Select((_, i) => $"@grid{i}").ToArray();
        return QuerySnapshotsAsync<PartyOrganizationSnapshot>(
            $"""
            SELECT snapshot FROM gridgov_party_organizations
            WHERE party_grid_id = @party_grid {(grids.Length == 0 ? "" : $"OR grid_code IN ({string.Join(", ", grids)})")}
            ORDER BY id
            """,
            command =>
            {
                command.AddParameter("party_grid", partyGridId);
                for (var i = 0; i < gridCodes.Count; i++)
                {
                    command.AddParameter($"grid{i}", gridCodes[i]);
                }
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<PartyMemberSnapshot>> ListMembersAsync(IReadOnlyList<string> organizationIds, string? after, int limit, CancellationToken cancellationToken)
    {
        if (organizationIds.Count == 0)
        {
            return [];
        }

        var ids = organizationIds.Select((_, i) => $"@org{i}").ToArray();
        return await QuerySnapshotsAsync<PartyMemberSnapshot>(
            $"""
            SELECT snapshot FROM gridgov_party_members
            WHERE organization_id IN ({string.Join(", ", ids)}) AND (@after IS NULL OR id > @after)
            ORDER BY id LIMIT @limit
            """,
            command =>
            {
                for (var i = 0; i < organizationIds.Count; i++)
                {
                    command.AddParameter($"org{i}", organizationIds[i]);
                }

                command.AddText("after", after);
                command.AddParameter("limit", limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<PartyMemberSnapshot>> ListMobileMembersAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken) =>
        QuerySnapshotsAsync<PartyMemberSnapshot>(
            """
            SELECT snapshot FROM gridgov_party_members
            WHERE organization_id = @organization AND mobile = @mobile AND (@after IS NULL OR id > @after)
            ORDER BY id LIMIT @limit
            """,
            command =>
            {
                command.AddParameter("organization", organizationId);
                command.AddParameter("mobile", true);
                command.AddText("after", after);
                command.AddParameter("limit", limit);
            },
            cancellationToken);

    public async Task RemoveAsync(RegistryDeletion deletion, CancellationToken cancellationToken)
    {
        string[] tables = deletion.Kind switch
        {
            RegistryKind.Household => ["DELETE FROM gridgov_residents WHERE household_id = @id", "DELETE FROM gridgov_households WHERE id = @id"],
            RegistryKind.PartyOrganization => ["DELETE FROM gridgov_party_organizations WHERE id = @id"],
            _ => ["DELETE FROM gridgov_party_members WHERE id = @id"],
        };

        await WriteAsync(
            async (connection, transaction) =>
            {
                await using (var archive = connection.Command(
                    """
                    INSERT INTO gridgov_people_archive (entity_id, kind, district, deleted_at, deleted_by, version, record)
                    VALUES (@id, @kind, @district, @at, @actor, @version, @record)
                    ON CONFLICT (entity_id, deleted_at) DO NOTHING
                    """,
                    transaction))
                {
                    archive.AddParameter("id", deletion.Id);
                    archive.AddParameter("kind", KindName(deletion.Kind));
                    archive.AddParameter("district", DistrictCode.Of(deletion.Id));
                    archive.AddTimestamp(database, "at", deletion.At);
                    archive.AddParameter("actor", deletion.Actor);
                    archive.AddParameter("version", deletion.Version);
                    archive.AddParameter("record", JsonSerializer.Serialize(deletion.Record, deletion.Record.GetType(), Json));
                    await archive.ExecuteNonQueryAsync(cancellationToken);
                }

                foreach (var sql in tables)
                {
                    await using var delete = connection.Command(sql, transaction);
                    delete.AddParameter("id", deletion.Id);
                    await delete.ExecuteNonQueryAsync(cancellationToken);
                }

                return true;
            },
            cancellationToken);
    }

    private static string KindName(RegistryKind kind) => kind switch
    {
        RegistryKind.Household => "household",
        RegistryKind.PartyOrganization => "party-organization",
        _ => "party-member",
    };

    private Task<bool> WriteAsync(Func<DbConnection, DbTransaction, Task<bool>> work, CancellationToken cancellationToken) =>
        Database.WriteAsync(database, connectionString, work, cancellationToken);

    private Task UpsertRowAsync(string sql, string id, long version, string snapshot, Action<DbCommand> more, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            sql,
            command =>
            {
                command.AddParameter("id", id);
                command.AddParameter("district", DistrictCode.Of(id));
                command.AddParameter("version", version);
                command.AddParameter("snapshot", snapshot);
                more(command);
            },
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken);

    private Task<IReadOnlyList<T>> QuerySnapshotsAsync<T>(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            sql,
            bind,
            command => command.ReadAllAsync(reader => JsonSerializer.Deserialize<T>(reader.GetString(0), Json)!, cancellationToken),
            cancellationToken);

    public Task<IReadOnlyList<string>> FindHouseholdsByIdNumberAsync(string district, string idNumberHash, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            "SELECT DISTINCT household_id FROM gridgov_residents WHERE district = @district AND id_number_hash = @hash ORDER BY household_id",
            command =>
            {
                command.AddParameter("district", district);
                command.AddParameter("hash", idNumberHash);
            },
            command => command.ReadAllAsync(reader => reader.GetString(0), cancellationToken),
            cancellationToken);
}
