using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using Orleans.Concurrency;

namespace GridGov.Grains.Cases;

[GenerateSerializer, Alias("gridgov.category-catalog-state")]
internal sealed class CategoryCatalogState
{
    [Id(0)] public Dictionary<string, Category> Edited { get; set; } = [];
}

/// <summary>
/// A district's catalogue: the standard categories, overlaid by the district's own edits and additions. Only the edits
/// are stored, so a district that changes nothing stores nothing.
/// </summary>
internal sealed class CategoryCatalogGrain(
    [PersistentState("categories", ProviderNames.MainStorage)] IPersistentState<CategoryCatalogState> state)
    : Grain, ICategoryCatalogGrain
{
    public const int MaxCategories = 1000;

    [ReadOnly]
    Task<IReadOnlyList<Category>> ICategoryCatalogGrain.ListAsync() =>
        Task.FromResult<IReadOnlyList<Category>>(Merged().Values.OrderBy(c => c.Code, StringComparer.Ordinal).ToArray());

    [ReadOnly]
    Task<Category?> ICategoryCatalogGrain.GetAsync(string code) =>
        Task.FromResult(Merged().GetValueOrDefault(code));

    async Task<Category> ICategoryCatalogGrain.PutAsync(Category category)
    {
        Validate(category);
        if (!state.State.Edited.ContainsKey(category.Code) && state.State.Edited.Count >= MaxCategories)
        {
            throw DomainException.Invalid("code", $"A district has at most {MaxCategories} categories of its own.");
        }

        state.State.Edited[category.Code] = category;
        await state.WriteStateAsync();
        return category;
    }

    private Dictionary<string, Category> Merged()
    {
        var all = StandardCategories.All.ToDictionary(c => c.Code, StringComparer.Ordinal);
        foreach (var (code, category) in state.State.Edited)
        {
            all[code] = category;
        }

        return all;
    }

    internal static void Validate(Category c)
    {
        if (!StandardCategories.IsValidCode(c.Code))
        {
            throw DomainException.Invalid("code", "A category code is 1 to 32 letters, digits, '-' or '.'.");
        }

        if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 100)
        {
            throw DomainException.Invalid("name", "A name of 1 to 100 characters is required.");
        }

        if (c.TimeLimit < TimeSpan.FromMinutes(10) || c.TimeLimit > TimeSpan.FromDays(365))
        {
            throw DomainException.Invalid("timeLimitHours", "The time limit is from 10 minutes to 365 days.");
        }

        if (c.ResponseLimit <= TimeSpan.Zero || c.ResponseLimit > c.TimeLimit)
        {
            throw DomainException.Invalid("responseLimitHours", "The response limit is positive and no longer than the time limit.");
        }

        if (string.IsNullOrWhiteSpace(c.Department) || c.Department.Length > 100)
        {
            throw DomainException.Invalid("department", "A department of 1 to 100 characters is required.");
        }
    }
}

/// <summary>
/// The standard catalogue every district starts with: component and event classes of digital urban management, the
/// governance cases grid work adds, each with one of the four 12345 time-limit tiers.
/// </summary>
public static class StandardCategories
{
    public static readonly IReadOnlyList<Category> All =
    [
        new("component.public-facilities", "公用设施 Public facilities", CategoryClass.Component, TimeLimits.Utilities, TimeSpan.FromHours(2), "Utilities bureau"),
        new("component.roads-traffic", "道路交通 Roads and traffic", CategoryClass.Component, TimeLimits.General, TimeSpan.FromHours(4), "Transport bureau"),
        new("component.city-appearance", "市容环境 City appearance", CategoryClass.Component, TimeLimits.General, TimeSpan.FromHours(4), "Urban management bureau"),
        new("component.greenery", "园林绿化 Greenery", CategoryClass.Component, TimeLimits.General, TimeSpan.FromHours(8), "Landscaping bureau"),
        new("component.buildings-land", "房屋土地 Buildings and land", CategoryClass.Component, TimeLimits.Complex, TimeSpan.FromHours(24), "Housing bureau"),
        new("component.other", "其他设施 Other facilities", CategoryClass.Component, TimeLimits.General, TimeSpan.FromHours(8), "Urban management bureau"),
        new("event.environment", "市容环境 Environment", CategoryClass.Event, TimeLimits.General, TimeSpan.FromHours(4), "Urban management bureau"),
        new("event.advertising", "宣传广告 Advertising", CategoryClass.Event, TimeLimits.General, TimeSpan.FromHours(8), "Urban management bureau"),
        new("event.construction", "施工管理 Construction", CategoryClass.Event, TimeLimits.General, TimeSpan.FromHours(4), "Housing bureau"),
        new("event.emergency", "突发事件 Emergencies", CategoryClass.Event, TimeLimits.Emergency, TimeSpan.FromMinutes(15), "Emergency management bureau"),
        new("event.street-order", "街面秩序 Street order", CategoryClass.Event, TimeLimits.Utilities, TimeSpan.FromHours(2), "Urban management bureau"),
        new("event.utilities-outage", "水电气暖 Water, power, gas, heating", CategoryClass.Event, TimeLimits.Utilities, TimeSpan.FromHours(1), "Utilities bureau"),
        new("event.other", "其他事件 Other events", CategoryClass.Event, TimeLimits.General, TimeSpan.FromHours(8), "Command centre"),
        new("governance.neighbour-dispute", "邻里纠纷 Neighbour dispute", CategoryClass.Governance, TimeLimits.General, TimeSpan.FromHours(24), "Community committee"),
        new("governance.care-visit", "关爱走访 Care visit", CategoryClass.Governance, TimeLimits.General, TimeSpan.FromHours(24), "Community committee"),
        new("governance.safety-hazard", "安全隐患 Safety hazard", CategoryClass.Governance, TimeLimits.Utilities, TimeSpan.FromHours(1), "Emergency management bureau"),
        new("governance.public-security", "治安问题 Public security", CategoryClass.Governance, TimeLimits.Emergency, TimeSpan.FromMinutes(15), "Police station"),
        new("governance.complex", "复杂诉求 Complex request", CategoryClass.Governance, TimeLimits.Complex, TimeSpan.FromHours(24), "Command centre"),
    ];

    public static bool IsValidCode(string? code) =>
        code is { Length: >= 1 and <= 32 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
