namespace GridGov.Contracts.Cases;

/// <summary>Component (部件: facilities) or event (事件) cases, plus the governance cases grid work adds.</summary>
public enum CategoryClass
{
    Component,
    Event,
    Governance,
}

/// <summary>A category of the district's catalogue: its time limits and the department it goes to.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.category")]
public sealed record Category(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] CategoryClass Class,
    [property: Id(3)] TimeSpan TimeLimit,
    [property: Id(4)] TimeSpan ResponseLimit,
    [property: Id(5)] string Department);

/// <summary>The four time-limit tiers of the 12345 hotline service rules.</summary>
public static class TimeLimits
{
    public static readonly TimeSpan Emergency = TimeSpan.FromHours(2);
    public static readonly TimeSpan Utilities = TimeSpan.FromHours(24);
    public static readonly TimeSpan General = TimeSpan.FromDays(7);
    public static readonly TimeSpan Complex = TimeSpan.FromDays(15);
}

/// <summary>A district's category catalogue (keyed by district code), seeded with the standard classes.</summary>
[Alias("gridgov.categories")]
public interface ICategoryCatalogGrain : IGrainWithStringKey, Security.ITenantGrain
{
    [Alias("list")]
    Task<IReadOnlyList<Category>> ListAsync();

    [Alias("get")]
    Task<Category?> GetAsync(string code);

    [Alias("put")]
    Task<Category> PutAsync(Category category);
}
