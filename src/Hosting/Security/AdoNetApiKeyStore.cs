using System.Data.Common;
using GridGov.Contracts.Security;
using GridGov.Grains.Security;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Security;

internal sealed class AdoNetApiKeyStore(DatabaseKind database, string connectionString) : IApiKeyStore
{
    private const string Columns = "id, name, role, scope, created_at, expires_at, revoked_at, last_used_at, created_by, secret_hash, staff_id, app_kind";

    public async Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var found = await RunAsync(
            $"SELECT {Columns} FROM gridgov_api_keys WHERE id = @id",
            command => command.AddParameter("id", id),
            command => command.ReadAllAsync(reader => new StoredApiKey(Read(reader), reader.GetString(9)), cancellationToken),
            cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<bool> InsertAsync(StoredApiKey key, CancellationToken cancellationToken) => RunAsync(
        $"""
        INSERT INTO gridgov_api_keys ({Columns})
        VALUES (@id, @name, @role, @scope, @created_at, @expires_at, NULL, NULL, @created_by, @secret_hash, @staff_id, @app_kind)
        ON CONFLICT (id) DO NOTHING
        """,
        command =>
        {
            var v = key.View;
            command.AddParameter("id", v.Id);
            command.AddParameter("name", v.Name);
            command.AddParameter("role", v.Role);
            command.AddParameter("scope", v.Scope);
            command.AddTimestamp(database, "created_at", v.CreatedAt);
            command.AddTimestamp(database, "expires_at", v.ExpiresAt);
            command.AddParameter("created_by", v.CreatedBy);
            command.AddParameter("secret_hash", key.SecretHash);
            command.AddText("staff_id", v.StaffId);
            command.AddText("app_kind", v.AppKind);
        },
        async command => await command.ExecuteNonQueryAsync(cancellationToken) == 1,
        cancellationToken);

    public Task RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        SetTimestampAsync("revoked_at", id, at, cancellationToken);

    public Task TouchAsync(string id, DateTimeOffset lastUsedAt, CancellationToken cancellationToken) =>
        SetTimestampAsync("last_used_at", id, lastUsedAt, cancellationToken);

    public Task<IReadOnlyList<ApiKeyView>> ListAsync(string? scope, string? after, int limit, CancellationToken cancellationToken) => RunAsync(
        $"""
        SELECT {Columns} FROM gridgov_api_keys
        WHERE (@scope IS NULL OR scope = @scope) AND (@after IS NULL OR id > @after)
        ORDER BY id LIMIT @limit
        """,
        command =>
        {
            command.AddText("scope", scope);
            command.AddText("after", after);
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(Read, cancellationToken),
        cancellationToken);

    private Task SetTimestampAsync(string column, string id, DateTimeOffset at, CancellationToken cancellationToken) => RunAsync(
        $"UPDATE gridgov_api_keys SET {column} = @at WHERE id = @id",
        command =>
        {
            command.AddParameter("id", id);
            command.AddTimestamp(database, "at", at);
        },
        command => command.ExecuteNonQueryAsync(cancellationToken),
        cancellationToken);

    private Task<T> RunAsync<T>(string sql, Action<DbCommand> bind, Func<DbCommand, Task<T>> execute, CancellationToken cancellationToken) =>
        Database.RunAsync(database, connectionString, sql, bind, execute, cancellationToken);

    private ApiKeyView Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.GetTimestamp(database, 4)!.Value, r.GetTimestamp(database, 5), r.GetTimestamp(database, 6), r.GetTimestamp(database, 7),
        r.GetString(8), r.IsDBNull(10) ? null : r.GetString(10),
        // An app key stored before kinds existed is a residents' app.
        r.IsDBNull(11) ? (r.GetString(2) == Roles.App ? AppKinds.ResidentApp : null) : r.GetString(11));
}
