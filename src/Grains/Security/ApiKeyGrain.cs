using System.Security.Cryptography;
using System.Text;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Grains.Common;

namespace GridGov.Grains.Security;

/// <summary>
/// One API key. Its row in <c>gridgov_api_keys</c> is its state (no second copy to keep in step). The last-used time
/// is kept in memory and written at most once a minute, so authenticating costs no database write.
/// </summary>
internal sealed class ApiKeyGrain(IApiKeyStore store, CallerSigner signer, TimeProvider time) : Grain, IApiKeyGrain
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The processes that remember this key, each told of a revocation for 2 minutes after it last authenticated
    /// (longer than it remembers a grant), waited for 5 s at most.
    /// </summary>
    private readonly Watchers<IApiKeyWatcher> _watchers = new(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5));

    private StoredApiKey? _key;
    private DateTimeOffset? _lastUsed;
    private DateTimeOffset? _lastWritten;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = await store.FindAsync(Id, cancellationToken);
        _lastWritten = _key?.View.LastUsedAt;
        this.RegisterGrainTimer(FlushLastUsedAsync, TouchInterval, TouchInterval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        FlushLastUsedAsync(cancellationToken);

    async Task<ApiKeyView> IApiKeyGrain.CreateAsync(NewApiKey key)
    {
        var caller = RequireManager(key.Scope, key.Role);
        if (_key is not null)
        {
            throw DomainException.Conflict($"API key {Id} already exists.");
        }

        var now = time.GetUtcNow();
        var stored = new StoredApiKey(
            new ApiKeyView(Id, key.Name, key.Role, key.Scope, now, key.ExpiresAt, null, null, caller.Subject, key.StaffId, AppKindOf(key.Role, key.AppKind)),
            key.SecretHash);
        if (!await store.InsertAsync(stored, CancellationToken.None))
        {
            throw DomainException.Conflict($"API key {Id} already exists.");
        }

        _key = stored;
        return stored.View;
    }

    Task<CallerContext?> IApiKeyGrain.AuthenticateAsync(string secretHash) => Task.FromResult(Authenticate(secretHash));

    Task<ApiKeyGrant?> IApiKeyGrain.AuthenticateAsync(string secretHash, IApiKeyWatcher watcher)
    {
        if (Authenticate(secretHash) is not { } caller)
        {
            return Task.FromResult<ApiKeyGrant?>(null);
        }

        _watchers.Watch(watcher, time.GetUtcNow());
        return Task.FromResult<ApiKeyGrant?>(new ApiKeyGrant(caller, _key!.View.ExpiresAt));
    }

    private CallerContext? Authenticate(string secretHash)
    {
        var now = time.GetUtcNow();
        if (_key is null || _key.View.RevokedAt is not null || _key.View.ExpiresAt <= now
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(secretHash), Encoding.ASCII.GetBytes(_key.SecretHash)))
        {
            return null;
        }

        _lastUsed = now;
        return new CallerContext(Id, _key.View.Role, _key.View.Scope, _key.View.StaffId, AppKindOf(_key.View.Role, _key.View.AppKind));
    }

    /// <summary>An app key's kind: the one it was made with, or a residents' app for a key made before kinds; none for staff.</summary>
    private static string? AppKindOf(string role, string? kind)
    {
        if (role != Roles.App)
        {
            return kind is null ? null : throw DomainException.Invalid("appKind", "Only app keys have a kind.");
        }

        return kind is null ? AppKinds.ResidentApp
            : AppKinds.IsKnown(kind) ? kind
            : throw DomainException.Invalid("appKind", $"appKind is one of {string.Join(", ", AppKinds.All)}.");
    }

    Task<ApiKeyView?> IApiKeyGrain.GetAsync()
    {
        if (_key is null)
        {
            return Task.FromResult<ApiKeyView?>(null);
        }

        RequireManager(_key.View.Scope, _key.View.Role, asNotFound: true);
        return Task.FromResult<ApiKeyView?>(_key.View with
        {
            LastUsedAt = _lastUsed ?? _key.View.LastUsedAt,
            AppKind = _key.View.Role == Roles.App ? _key.View.AppKind ?? AppKinds.ResidentApp : null,
        });
    }

    async Task<ApiKeyView?> IApiKeyGrain.RevokeAsync()
    {
        if (_key is null)
        {
            return null;
        }

        RequireManager(_key.View.Scope, _key.View.Role, asNotFound: true);
        if (_key.View.RevokedAt is null)
        {
            var now = time.GetUtcNow();
            await store.RevokeAsync(Id, now, CancellationToken.None);
            _key = _key with { View = _key.View with { RevokedAt = now } };
        }

        await TellWatchersAsync();

        return _key.View;
    }

    /// <summary>
    /// Tells every process that may remember this key that it is revoked, and waits for them. A process that does not
    /// answer in time is dead or cut off; it forgets the grant by itself within its short memory. A revoked key is
    /// never authenticated again, so no one watches it any more.
    /// </summary>
    private async Task TellWatchersAsync()
    {
        await _watchers.TellAsync(watcher => watcher.RevokedAsync(Id));
        _watchers.Clear();
    }

    /// <summary>Operators manage every key; a district admin manages the non-operator keys of their own district.</summary>
    private CallerContext RequireManager(string scope, string role, bool asNotFound = false)
    {
        var caller = CallerContext.Verified(signer)
            ?? throw new UnauthorizedCallException("Managing API keys needs a signed caller.");
        var allowed = caller.Role == Roles.Operator
            || (caller.Role == Roles.DistrictAdmin && caller.Scope == scope && role != Roles.Operator);
        if (!allowed)
        {
            throw asNotFound
                ? DomainException.NotFound($"API key {Id} does not exist.")
                : DomainException.Invalid("scope", "A district admin manages only their own district's keys, and never operator keys.");
        }

        return caller;
    }

    private async Task FlushLastUsedAsync(CancellationToken cancellationToken)
    {
        if (_key is not null && _lastUsed is { } used && used != _lastWritten)
        {
            await store.TouchAsync(Id, used, cancellationToken);
            _lastWritten = used;
        }
    }
}
