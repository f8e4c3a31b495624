using GridGov.Contracts.Security;

namespace GridGov.Contracts.Cases;

/// <summary>
/// Idempotent intake: keyed by <c>{district}-{caller}-{Idempotency-Key}</c>, remembers the case a request created, so
/// replays — also concurrent ones — answer the same case.
/// </summary>
[Alias("gridgov.intake")]
public interface IIntakeGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("report")]
    Task<CaseSnapshot> ReportAsync(NewCase report, string fingerprint);
}
