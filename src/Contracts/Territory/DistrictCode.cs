namespace GridGov.Contracts.Territory;

/// <summary>
/// The district is the tenant, and every key carries it in front: a territory code begins with its six-digit
/// district code (GB/T 2260), and every other id (<c>{district}-…</c>: cases, households, members, organizations,
/// Party-building grids) is prefixed with it. This is the one place that knows where it sits.
/// </summary>
public static class DistrictCode
{
    public const int Length = 6;

    /// <summary>The district of a territory code or a tenant id (the caller has checked the key's form).</summary>
    public static string Of(string key) => key[..Length];
}
