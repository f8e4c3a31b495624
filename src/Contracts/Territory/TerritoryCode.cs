namespace GridGov.Contracts.Territory;

/// <summary>The levels of the territory tree; a code's length tells its level (DOMAIN.md §1).</summary>
public enum TerritoryLevel
{
    District,
    Street,
    Community,
    Grid,
    MicroGrid,
}

/// <summary>
/// Territory codes: 6 digits for a district (GB/T 2260), +3 street, +3 community, +3 comprehensive grid,
/// +2 micro-grid. The code alone gives the level, the parent and the district (the tenant).
/// </summary>
public static class TerritoryCode
{
    private static readonly int[] Lengths = [6, 9, 12, 15, 17];

    public static bool IsValid(string? code) =>
        code is not null && Array.IndexOf(Lengths, code.Length) >= 0 && code.All(char.IsAsciiDigit)
        && DistrictCode.Of(code) != "000000";

    public static TerritoryLevel LevelOf(string code) => (TerritoryLevel)Array.IndexOf(Lengths, code.Length);

    public static string? ParentOf(string code) =>
        LevelOf(code) == TerritoryLevel.District ? null : code[..Lengths[(int)LevelOf(code) - 1]];


    /// <summary>Codes of every ancestor, the district first.</summary>
    public static IReadOnlyList<string> AncestorsOf(string code) =>
        Lengths.Where(l => l < code.Length).Select(l => code[..l]).ToArray();

    public static string Describe(TerritoryLevel level) => level switch
    {
        TerritoryLevel.District => "district",
        TerritoryLevel.Street => "street",
        TerritoryLevel.Community => "community",
        TerritoryLevel.Grid => "grid",
        TerritoryLevel.MicroGrid => "micro-grid",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public const string FormatDescription =
        "a territory code of 6 (district), 9 (street), 12 (community), 15 (grid) or 17 (micro-grid) digits";
}
