namespace GridGov.Contracts.Security;

/// <summary>A stored API key: its public view and the hash of its secret.</summary>
public sealed record StoredApiKey(ApiKeyView View, string SecretHash);

/// <summary>The table <c>gridgov_api_keys</c>: the keys themselves (hashes only), listed by scope.</summary>
public interface IApiKeyStore
{
    Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Inserts a new key; false when the id is taken.</summary>
    Task<bool> InsertAsync(StoredApiKey key, CancellationToken cancellationToken);

    Task RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    Task TouchAsync(string id, DateTimeOffset lastUsedAt, CancellationToken cancellationToken);

    /// <summary>Keys in a scope (null: every scope), newest first, after the cursor (a key id), at most limit.</summary>
    Task<IReadOnlyList<ApiKeyView>> ListAsync(string? scope, string? after, int limit, CancellationToken cancellationToken);
}
