namespace GridGov.Contracts.Territory;

/// <summary>
/// Finds the district(s) whose boundary covers a point, then asks their index grains. A stateless worker: one per
/// silo, so no single activation sits on the path of every locate.
/// </summary>
[Alias("gridgov.locator")]
public interface ILocatorGrain : IGrainWithIntegerKey
{
    [Alias("locate")]
    Task<LocateResult> LocateAsync(double lat, double lon, string? district);
}
