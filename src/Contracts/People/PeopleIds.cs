using GridGov.Contracts.Territory;

namespace GridGov.Contracts.People;

public static class PeopleIds
{
    /// <summary><c>{district}-{prefix}{id}</c>: the district code, a dash, the prefix, then 1 to 32 letters, digits, '-' or '_'.</summary>
    public static bool IsValid(string? id, string prefix) =>
        id is not null && id.Length > 7 + prefix.Length && id.Length <= 7 + prefix.Length + 32
        && TerritoryCode.IsValid(DistrictCode.Of(id)) && id[6] == '-' && id.AsSpan(7).StartsWith(prefix, StringComparison.Ordinal)
        && id[(7 + prefix.Length)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
