namespace GridGov.Contracts.Security;

[GenerateSerializer, Immutable, Alias("gridgov.api-key-view")]
public sealed record ApiKeyView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Role,
    [property: Id(3)] string Scope,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] DateTimeOffset? LastUsedAt,
    [property: Id(8)] string CreatedBy,
    [property: Id(9)] string? StaffId,
    [property: Id(10)] string? AppKind = null);

[GenerateSerializer, Immutable, Alias("gridgov.api-key-new")]
public sealed record NewApiKey(
    [property: Id(0)] string Name,
    [property: Id(1)] string Role,
    [property: Id(2)] string Scope,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] string SecretHash,
    [property: Id(5)] string? StaffId,
    [property: Id(6)] string? AppKind = null);

/// <summary>What a process may remember of a key it authenticated: the caller, and when the key expires.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.api-key-grant")]
public sealed record ApiKeyGrant(
    [property: Id(0)] CallerContext Caller,
    [property: Id(1)] DateTimeOffset? ExpiresAt);

/// <summary>
/// A process that remembers the keys it authenticated. A key's grain tells every watcher of a revocation, and waits
/// for their answers, before it answers the revocation.
/// </summary>
[Alias("gridgov.api-key-watcher")]
public interface IApiKeyWatcher : IGrainObserver
{
    [Alias("revoked")]
    Task RevokedAsync(string id);
}

/// <summary>
/// One API key, keyed by its public id. Only a hash of the secret is kept. Processes remember an authenticated key
/// for a few seconds as its watchers; a revocation reaches every watcher before it is answered, so it takes effect at
/// once in every process of the cluster.
/// </summary>
[Alias("gridgov.api-key")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<ApiKeyView> CreateAsync(NewApiKey key);

    /// <summary>The key's caller when the secret matches and the key is live; otherwise null.</summary>
    [Alias("authenticate")]
    Task<CallerContext?> AuthenticateAsync(string secretHash);

    /// <summary>
    /// As <see cref="AuthenticateAsync(string)"/>, and <paramref name="watcher"/> is told when the key is revoked, so
    /// it may remember the grant meanwhile.
    /// </summary>
    [Alias("authenticate-watched")]
    Task<ApiKeyGrant?> AuthenticateAsync(string secretHash, IApiKeyWatcher watcher);

    [Alias("get")]
    Task<ApiKeyView?> GetAsync();

    [Alias("revoke")]
    Task<ApiKeyView?> RevokeAsync();
}
