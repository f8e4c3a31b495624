using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using Orleans.Concurrency;
using GridGov.Contracts.Territory;
using GridGov.Grains.Telemetry;

namespace GridGov.Grains.Cases;

/// <summary>
/// Case reception (受理): creates a case by writing its first state, exactly as its grain would store it, and
/// publishing its first event, without activating the case's grain. A new case waits minutes or hours for staff, so
/// activating it only to write once and be released cost a placement, a directory entry, an activation and a
/// deactivation per report. The write is an insert; when the case exists it is refused and answers the stored case,
/// which reception answers in turn. The case's grain reads the row when the case is next read or acted on (and
/// publishes the event again then if it was never published).
/// It keeps no state, so it is reentrant: each worker takes many reports at once, and the store commits the reports
/// that arrive together in one write (<see cref="INewCaseStore"/>).
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class CaseReceptionGrain(
    INewCaseStore store,
    CategoryCache categories,
    CaseMetrics metrics,
    TimeProvider time) : Grain, ICaseReceptionGrain
{
    async Task<CaseSnapshot> ICaseReceptionGrain.ReportAsync(string caseId, NewCase report)
    {
        var started = time.GetTimestamp();
        if (!CaseIds.IsValid(caseId) || DistrictCode.Of(caseId) != this.GetPrimaryKeyString())
        {
            throw DomainException.Invalid("id", $"'{caseId}' is not a case id of district {this.GetPrimaryKeyString()}.");
        }

        // Honest sources, behind the API's check: every new case passes here, with the caller of the request that
        // made it (verified by the tenancy filter); a grain acting on its own carries none and is trusted.
        if (CallerContext.Current() is var (caller, _))
        {
            HonestSources.Check(caller, report.Source);
        }

        var state = new CaseGrainState();
        state.Append(await NewCases.SnapshotAsync(caseId, report, GrainFactory, categories, time), "reported", report.ReportedBy, null, time.GetUtcNow());
        var written = await store.TryInsertAsync(GrainFactory.GetGrain<ICaseGrain>(caseId).GetGrainId(), CaseGrain.StateName, state);
        if (!written.Inserted)
        {
            // The case exists: answer it as stored, without asking its grain.
            return written.Stored?.Current
                ?? throw new InvalidOperationException($"Case {caseId} is stored without a case; it was not created again.");
        }

        await NewCases.StreamOf(this.GetStreamProvider(ProviderNames.Streams), report.GridCode).OnNextBatchAsync(state.UnpublishedEvents());
        // Counted once, when the case is created: a repeated report answered from the store above is not a new case.
        metrics.Reported(caseId, time.GetElapsedTime(started));
        return state.Current!;
    }
}
