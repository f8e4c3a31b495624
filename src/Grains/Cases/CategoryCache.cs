using System.Collections.Concurrent;
using GridGov.Contracts.Cases;

namespace GridGov.Grains.Cases;

/// <summary>
/// Each silo's copy of the districts' catalogues, refreshed after <see cref="MaxAge"/>, so case intake does not ask
/// the district's catalogue grain on every report. An edit is seen by every silo within <see cref="MaxAge"/>.
/// </summary>
public sealed class CategoryCache(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (DateTimeOffset LoadedAt, Dictionary<string, Category> Categories)> _districts = new();

    public async Task<Category?> GetAsync(IGrainFactory grains, string district, string code)
    {
        var now = time.GetUtcNow();
        if (!_districts.TryGetValue(district, out var entry) || now - entry.LoadedAt > MaxAge || !entry.Categories.ContainsKey(code))
        {
            var list = await grains.GetGrain<ICategoryCatalogGrain>(district).ListAsync();
            entry = (now, list.ToDictionary(c => c.Code, StringComparer.Ordinal));
            _districts[district] = entry;
        }

        return entry.Categories.GetValueOrDefault(code);
    }
}
