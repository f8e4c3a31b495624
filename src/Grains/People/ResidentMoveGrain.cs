using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;

namespace GridGov.Grains.People;

[GenerateSerializer, Immutable, Alias("gridgov.pending-move")]
internal sealed record PendingMove(
    [property: Id(0)] Resident Resident,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] string Actor);

/// <summary>
/// Owns the moves of one resident (keyed by the resident's id) between households: it decides the move (the caller may
/// reach both households, the resident lives in the source), writes it, then admits the resident into the destination
/// before releasing them from the source, so a failure half-way never loses them. The households never call each
/// other, so moves A→B and B→A at once cannot deadlock; one resident's moves go one at a time. A decided move is carried
/// on after a failure or a crash (<see cref="Resumption"/>); both steps are idempotent.
/// </summary>
internal sealed class ResidentMoveGrain(
    [PersistentState("resident-move", ProviderNames.MainStorage)] IPersistentState<WorkflowState<PendingMove>> state)
    : Grain, IResidentMoveGrain, IRemindable
{
    private string Id => this.GetPrimaryKeyString();

    async Task<HouseholdSnapshot> IResidentMoveGrain.MoveAsync(string fromHousehold, string toHousehold, string actor)
    {
        // This resident's earlier move, if one is unfinished, comes first; one that is refused now is over, and this goes on.
        if (state.State.Pending is { } earlier)
        {
            try
            {
                await CarryOnAsync(earlier, retrySoon: true);
            }
            catch (DomainException)
            {
            }
        }

        var source = await GrainFactory.GetGrain<IHouseholdGrain>(fromHousehold).GetAsync();
        if (source is null || !await GridAccess.ReachesAsync(GrainFactory, source.Address.GridCode))
        {
            throw DomainException.NotFound($"Household {fromHousehold} does not exist.");
        }

        var destination = await GrainFactory.GetGrain<IHouseholdGrain>(toHousehold).GetAsync()
            ?? throw DomainException.Invalid("toHousehold", $"Household {toHousehold} does not exist.");
        if (!await GridAccess.ReachesAsync(GrainFactory, destination.Address.GridCode))
        {
            throw DomainException.Forbidden($"You are not on the staff of grid {destination.Address.GridCode}.");
        }

        var resident = source.Residents.FirstOrDefault(r => r.Id == Id)
            ?? throw DomainException.NotFound($"Resident {Id} is not in household {fromHousehold}.");
        if (toHousehold == fromHousehold)
        {
            throw DomainException.Invalid("toHousehold", "The resident already lives in this household.");
        }

        var move = new PendingMove(resident, fromHousehold, toHousehold, actor);
        await this.BeginAsync(state, move);
        return await CarryOnAsync(move, retrySoon: true);
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => ResumeAsync();

    private Task ResumeAsync() => this.ResumeAsync(state, move => CarryOnAsync(move, retrySoon: false));

    private async Task<HouseholdSnapshot> CarryOnAsync(PendingMove move, bool retrySoon)
    {
        try
        {
            var arrived = await GrainFactory.GetGrain<IHouseholdGrain>(move.To).AdmitResidentAsync(move.Resident, move.From, move.Actor);
            await GrainFactory.GetGrain<IHouseholdGrain>(move.From).ReleaseResidentAsync(move.Resident.Id, move.To, move.Actor);
            await this.EndAsync(state);
            return arrived;
        }
        catch (DomainException)
        {
            // Refused (the destination is full, a household was deleted): the resident stays where they are; retrying
            // would be refused again.
            await this.EndAsync(state);
            throw;
        }
        catch when (retrySoon)
        {
            this.RetrySoon(ResumeAsync);
            throw;
        }
    }
}
