using GridGov.Contracts.Security;

namespace GridGov.Contracts.Cases;

/// <summary>
/// Idempotent intake: keyed by <c>{district}-IK-{hash}</c>, the hash of the caller and its Idempotency-Key (so a key
/// names no one in storage), remembers the case a request created, so replays — also concurrent ones — answer the
/// same case.
/// </summary>
[Alias("gridgov.intake")]
public interface IIntakeGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// Reports the case once; <paramref name="fingerprint"/> (a hash of the routed report) tells a replay from another
    /// request under the same key, which is refused with a conflict.
    /// </summary>
    [Alias("report")]
    Task<CaseSnapshot> ReportAsync(NewCase report, string fingerprint);
}
