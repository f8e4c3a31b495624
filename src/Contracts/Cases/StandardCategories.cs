namespace GridGov.Contracts.Cases;

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
        new("governance.public-security", "治安问题 Public security", CategoryClass.PublicSecurity, TimeLimits.Emergency, TimeSpan.FromMinutes(15), "Police station"),
        new("governance.complex", "复杂诉求 Complex request", CategoryClass.Governance, TimeLimits.Complex, TimeSpan.FromHours(24), "Command centre"),
    ];

    public static bool IsValidCode(string? code) =>
        code is { Length: >= 1 and <= 32 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
