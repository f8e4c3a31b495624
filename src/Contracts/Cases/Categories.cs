namespace GridGov.Contracts.Cases;

/// <summary>Component (部件: facilities) or event (事件) cases, plus the governance cases grid work adds.</summary>
public enum CategoryClass
{
    Component,
    Event,
    Governance,

    /// <summary>Public security (治安): on dispatch the police area's community officer is co-assigned (docs/resources.md).</summary>
    PublicSecurity,
}

/// <summary>
/// A category of the district's catalogue: its time limits, the department it goes to, and the extra questions a
/// report of it answers (<see cref="Attributes"/>; Open311's service definition).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.category")]
public sealed record Category(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] CategoryClass Class,
    [property: Id(3)] TimeSpan TimeLimit,
    [property: Id(4)] TimeSpan ResponseLimit,
    [property: Id(5)] string Department,
    [property: Id(6)] IReadOnlyList<CategoryAttribute>? Attributes = null)
{
    /// <summary>The extra questions, in their order (none when the category has none).</summary>
    public IReadOnlyList<CategoryAttribute> Questions => Attributes ?? [];
}

/// <summary>The kinds of answer an extra question takes (Open311's attribute datatypes).</summary>
public enum AttributeDatatype
{
    String,
    Number,
    Datetime,
    Text,
    SingleValueList,
    MultiValueList,
}

/// <summary>One allowed answer of a list question: the key a report sends, the name a person reads.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.category-attribute-value")]
public sealed record AttributeValue([property: Id(0)] string Key, [property: Id(1)] string Name);

/// <summary>An extra question of a category: its code, kind, whether a report must answer it, and its allowed values.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.category-attribute")]
public sealed record CategoryAttribute(
    [property: Id(0)] string Code,
    [property: Id(1)] AttributeDatatype Datatype,
    [property: Id(2)] bool Required,
    [property: Id(3)] string Description,
    [property: Id(4)] int Order,
    [property: Id(5)] IReadOnlyList<AttributeValue> Values,
    [property: Id(6)] string? DatatypeDescription = null)
{
    public bool IsList => Datatype is AttributeDatatype.SingleValueList or AttributeDatatype.MultiValueList;
}

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
