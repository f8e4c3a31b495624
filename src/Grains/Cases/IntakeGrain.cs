using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cases;

[GenerateSerializer, Alias("gridgov.intake-state")]
internal sealed class IntakeState
{
    [Id(0)] public string? CaseId { get; set; }
    [Id(1)] public string? Fingerprint { get; set; }
}

/// <summary>
/// One Idempotency-Key of one caller. The case id is chosen and written here before the case is reported, so a replay
/// — concurrent ones queue on this grain — reaches the same case, even after a crash between the two writes.
/// </summary>
internal sealed class IntakeGrain(
    [PersistentState("intake", ProviderNames.MainStorage)] IPersistentState<IntakeState> state,
    TimeProvider time) : Grain, IIntakeGrain
{
    async Task<CaseSnapshot> IIntakeGrain.ReportAsync(NewCase report, string fingerprint)
    {
        if (state.State.CaseId is null)
        {
            state.State.CaseId = CaseIds.New(DistrictCode.Of(this.GetPrimaryKeyString()), time.GetUtcNow());
            state.State.Fingerprint = fingerprint;
            await state.WriteStateAsync();
            return await GrainFactory.GetGrain<ICaseReceptionGrain>(DistrictCode.Of(state.State.CaseId)).ReportAsync(state.State.CaseId, report);
        }

        if (state.State.Fingerprint != fingerprint)
        {
            throw DomainException.Conflict("This Idempotency-Key was already used for a different request.", "Idempotency-Key");
        }

        // A replay: the case's grain answers the case, or creates it if the first attempt stopped between the two writes.
        return await GrainFactory.GetGrain<ICaseGrain>(state.State.CaseId).ReportAsync(report);
    }
}
