using GridGov.Contracts.Security;

namespace GridGov.Contracts.Cases;

/// <summary>
/// Case reception (受理), keyed by district: creates a new case by writing its first state and publishing its first
/// event, without activating the case's own grain, which wakes when the case is next read or acted on. A stateless
/// worker, so reports are received on the silo they reach.
/// </summary>
[Alias("gridgov.case-reception")]
public interface ICaseReceptionGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates the case <paramref name="caseId"/> (of this district); answers it as stored if it exists.</summary>
    [Alias("report")]
    Task<CaseSnapshot> ReportAsync(string caseId, NewCase report);
}
