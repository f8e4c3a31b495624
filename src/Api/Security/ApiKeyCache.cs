using System.Collections.Concurrent;
using GridGov.Contracts.Security;

namespace GridGov.Api.Security;

/// <summary>
/// The keys this process authenticated in the last few seconds, so a request costs no grain call and no single key's
/// grain sits on every request of its app. The process is the key grains' watcher: a revocation removes the key here
/// before the revocation is answered. The memory is short (<see cref="Lifetime"/>) because a key's grain forgets its
/// watchers when its silo fails; expiry is checked here on every request.
/// </summary>
public sealed class ApiKeyCache(IClusterClient cluster, TimeProvider time) : IApiKeyWatcher
{
    /// <summary>How long a grant is used before the key's grain is asked again (and the watch renewed).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private const int SweepAbove = 10_000;

    /// <summary>By key id. A request finds its entry by the id inside its key, as a span: nothing is allocated.</summary>
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private IApiKeyWatcher? _reference;
    private long _revocations;

    /// <summary>The key's caller, or null when the key is unknown, revoked or expired or its secret is wrong.</summary>
    /// <param name="key">A key of the form <see cref="ApiKeyFormat"/> checks.</param>
    public async ValueTask<CallerContext?> AuthenticateAsync(string key)
    {
        var now = time.GetUtcNow();
        // The entry remembers the whole key its grant was for: comparing it (in constant time) is the secret check,
        // so a known key costs no hash.
        if (Lookup.TryGetValue(ApiKeyFormat.IdOf(key), out var known) && now - known.At < Lifetime && ApiKeyFormat.SameKey(known.Key, key))
        {
            return known.Grant.ExpiresAt <= now ? null : known.Grant.Caller;
        }

        var id = ApiKeyFormat.IdOf(key).ToString();
        var revocations = Interlocked.Read(ref _revocations);
        var grant = await cluster.GetGrain<IApiKeyGrain>(id).AuthenticateAsync(ApiKeyFormat.Hash(ApiKeyFormat.SecretOf(key)), Reference);
        if (grant is null)
        {
            // Only the right key's entry is dropped: a wrong secret must not evict what the right one earned.
            if (known is not null && ApiKeyFormat.SameKey(known.Key, key))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(id, known));
            }

            return null;
        }

        var entry = new Entry(grant, key, now);
        _entries[id] = entry;
        // A revocation that arrived while the grant was on its way may have found nothing to remove yet.
        if (Interlocked.Read(ref _revocations) != revocations)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
        }

        if (_entries.Count > SweepAbove)
        {
            Sweep(now);
        }

        return grant.Caller;
    }

    Task IApiKeyWatcher.RevokedAsync(string id)
    {
        Interlocked.Increment(ref _revocations);
        _entries.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    private ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> Lookup => _entries.GetAlternateLookup<ReadOnlySpan<char>>();

    private IApiKeyWatcher Reference =>
        LazyInitializer.EnsureInitialized(ref _reference, () => cluster.CreateObjectReference<IApiKeyWatcher>(this));

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (id, entry) in _entries)
        {
            if (now - entry.At >= Lifetime)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
            }
        }
    }

    private sealed record Entry(ApiKeyGrant Grant, string Key, DateTimeOffset At);
}
