namespace GridGov.Contracts.Territory;

public static class PartyGridId
{
    /// <summary><c>{district}-PG{n}</c>, n a positive number.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 9 } && TerritoryCode.IsValid(DistrictCode.Of(id)) && id.AsSpan(6, 3).SequenceEqual("-PG")
        && id[9..].All(char.IsAsciiDigit) && id.Length <= 20 && id[9] != '0';
}
