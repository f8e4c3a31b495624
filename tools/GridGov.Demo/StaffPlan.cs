namespace GridGov.Demo;

/// <summary>A person on a node's staff, as the territory API takes it (<c>role</c> camelCase, the phone masked when stored).</summary>
internal sealed record StaffBody(string Id, string Name, string Role, string? Phone);

/// <summary>The staff one node is given: a grid's chief and two workers, or a community's or street's supervisor.</summary>
internal sealed record NodeStaffPlan(string Code, IReadOnlyList<StaffBody> Staff)
{
    public override string ToString() => $"staff of {Code}";
}

/// <summary>A department of the district's registry (<c>PUT /districts/{d}/departments/{code}</c>).</summary>
internal sealed record DepartmentPlan(string Code, string Name, string Contact)
{
    public string Assignee => $"department:{Code}";

    public override string ToString() => $"department {Code}";
}

/// <summary>
/// The people the month of cases needs, since <c>dispatch</c> takes only an assignee that exists: every grid a case is
/// reported in gets a grid chief and two grid workers (<c>{grid}-GC</c>, <c>{grid}-W1</c>, <c>{grid}-W2</c>), and
/// the communities and streets above them a supervisor (<c>{code}-S1</c>), whom escalations name. Names and phones
/// come from each node's own stream, so a node's staff depends only on the seed and its code.
/// </summary>
internal static class StaffPlans
{
    /// <summary>The district's departments, with duty phones (Sanya's area code 0898); the cases of their categories may go to them.</summary>
    public static readonly IReadOnlyList<DepartmentPlan> Departments =
    [
        new("urban-management", "天涯区综合行政执法局（城管执法）", "0898-8826 1110"),
        new("municipal", "天涯区市政管理中心（市政）", "0898-8826 1120"),
        new("environment", "三亚市生态环境局天涯分局（生态环境）", "0898-8826 1130"),
        new("housing", "天涯区住房和城乡建设局（住建）", "0898-8826 1140"),
        new("market", "天涯区市场监督管理局（市场监管）", "0898-8826 1150"),
    ];

    /// <summary>Which department a category's cases may be dispatched to (the others always go to the grid's workers).</summary>
    public static readonly IReadOnlyDictionary<string, string> DepartmentOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["event.street-order"] = "urban-management",
        ["component.city-appearance"] = "urban-management",
        ["component.public-facilities"] = "municipal",
        ["component.roads-traffic"] = "municipal",
        ["event.utilities-outage"] = "municipal",
        ["event.environment"] = "environment",
        ["event.construction"] = "housing",
        ["component.buildings-land"] = "housing",
        ["event.advertising"] = "market",
    };

    public static string Worker(string grid, int n) => $"{grid}-W{n}";

    public static IReadOnlyList<NodeStaffPlan> Build(DistrictPlan district, IReadOnlyList<CasePlan> cases, int seed)
    {
        var grids = cases.Select(c => c.GridCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        // The grid's ancestors below the district: its community and its street.
        var above = district.Territory
            .Where(t => t.Code.Length > DistrictPlan.District.Length && grids.Any(g => g.Length > t.Code.Length && g.StartsWith(t.Code, StringComparison.Ordinal)))
            .Where(t => district.Grids.All(g => g.Code != t.Code))
            .Select(t => t.Code)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return above.Select(code => new NodeStaffPlan(code, [Person(seed, code, "S1", "supervisor")]))
            .Concat(grids.Select(code => new NodeStaffPlan(code, [Person(seed, code, "GC", "gridChief"), Person(seed, code, "W1", "gridWorker"), Person(seed, code, "W2", "gridWorker")])))
            .ToArray();
    }

    private static StaffBody Person(int seed, string code, string suffix, string role)
    {
        var rng = Rng.For(seed, "staff-" + suffix, long.Parse(code, System.Globalization.CultureInfo.InvariantCulture));
        return new StaffBody($"{code}-{suffix}", Names.Surname(rng) + Names.Given(rng, rng.Chance(0.5)), role, PeoplePlan.Phone(rng));
    }
}
