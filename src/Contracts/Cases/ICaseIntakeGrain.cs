namespace GridGov.Contracts.Cases;

/// <summary>
/// Takes a report from the API: routes it to its grid, then hands it to case reception, or, under an Idempotency-Key,
/// to the key's <see cref="IIntakeGrain"/>. The one call the API makes to report a case. A stateless worker (key 0),
/// so it runs on the silo the call reaches, next to the locator and reception it asks; the district of every grain it
/// calls is checked against the caller, which travels with the calls.
/// </summary>
[Alias("gridgov.case-intake")]
public interface ICaseIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Reports the case. <paramref name="report"/>'s <c>GridCode</c> is the grid staff named, or empty to route by its
    /// lat/lon to the grid (else the community) holding the point within <paramref name="district"/> (null: any
    /// district, for callers of every district).
    /// </summary>
    [Alias("report")]
    Task<CaseSnapshot> ReportAsync(NewCase report, string? district, string? idempotencyKey);

    /// <summary>
    /// Reports a case of <paramref name="district"/> that must not be refused for its place (Open311): routed by its
    /// lat/lon like any report, and to the district's triage (属地兜底: the district node) when it has no point or no
    /// grid or community of the district holds the point.
    /// </summary>
    [Alias("report-in-district")]
    Task<CaseSnapshot> ReportInDistrictAsync(NewCase report, string district);
}
