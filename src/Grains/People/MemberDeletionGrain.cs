using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;

namespace GridGov.Grains.People;

[GenerateSerializer, Alias("gridgov.member-deletion-state")]
internal sealed class MemberDeletionState
{
    /// <summary>The deletion asked for and not yet finished (or refused).</summary>
    [Id(0)] public MemberDeletionRequest? Pending { get; set; }
}

[GenerateSerializer, Immutable, Alias("gridgov.member-deletion-request")]
internal sealed record MemberDeletionRequest([property: Id(0)] string Actor, [property: Id(1)] long? ExpectedVersion);

/// <summary>
/// Owns the deletion of one Party member (keyed by its id): the member decides and names its households, each household
/// forgets it, the member completes. It is a grain of its own because a household that is linking waits on its member:
/// the member asking its households could deadlock with one of them, while nothing ever waits on this grain. The request
/// is written before the member is asked, so after a failure or a crash this grain carries it on (<see cref="Resumption"/>)
/// until the member is gone or has refused; every step is idempotent, and the member ignores the If-Match of a deletion
/// it has already decided.
/// </summary>
internal sealed class MemberDeletionGrain(
    [PersistentState("member-deletion", ProviderNames.MainStorage)] IPersistentState<MemberDeletionState> state)
    : Grain, IMemberDeletionGrain, IRemindable
{
    private const int FanOut = 16;

    private string Id => this.GetPrimaryKeyString();

    async Task IMemberDeletionGrain.DeleteAsync(string actor, long? expectedVersion)
    {
        // A deletion already under way is finished first, with its own request; a repeated DELETE waits for it.
        if (state.State.Pending is null)
        {
            await this.ArmAsync();
            state.State.Pending = new MemberDeletionRequest(actor, expectedVersion);
            await state.WriteStateAsync();
        }

        await CarryOutAsync(retrySoon: true);
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => ResumeAsync();

    private async Task ResumeAsync()
    {
        if (state.State.Pending is null)
        {
            await this.DisarmAsync();
            return;
        }

        await CarryOutAsync(retrySoon: false);
    }

    private async Task CarryOutAsync(bool retrySoon)
    {
        var request = state.State.Pending!;
        var member = GrainFactory.GetGrain<IPartyMemberGrain>(Id);
        try
        {
            IReadOnlyList<string> households;
            try
            {
                households = await member.BeginDeleteAsync(request.Actor, request.ExpectedVersion);
            }
            catch (DomainException)
            {
                // Refused (404: gone, or finished by an earlier attempt; 412: stale): nothing is left to carry on.
                await EndAsync();
                throw;
            }

            foreach (var chunk in households.Chunk(FanOut))
            {
                await Task.WhenAll(chunk.Select(h => GrainFactory.GetGrain<IHouseholdGrain>(h).ForgetMemberAsync(Id, request.Actor)));
            }

            await member.CompleteDeleteAsync();
            await EndAsync();
        }
        catch when (retrySoon && state.State.Pending is not null)
        {
            this.RetrySoon(ResumeAsync);
            throw;
        }
    }

    private async Task EndAsync()
    {
        state.State.Pending = null;
        await state.ClearStateAsync();
        await this.DisarmAsync();
    }
}
