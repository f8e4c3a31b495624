using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;

namespace GridGov.Grains.People;

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
    [PersistentState("member-deletion", ProviderNames.MainStorage)] IPersistentState<WorkflowState<MemberDeletionRequest>> state)
    : Grain, IMemberDeletionGrain, IRemindable
{
    private const int FanOut = 16;

    private string Id => this.GetPrimaryKeyString();

    async Task IMemberDeletionGrain.DeleteAsync(string actor, long? expectedVersion)
    {
        // A request replaces an unfinished one: if the member had decided, it ignores the If-Match and the deletion is
        // finished; if not, the earlier request never took effect and this one is what the client asks now.
        var request = new MemberDeletionRequest(actor, expectedVersion);
        await this.BeginAsync(state, request);
        await CarryOnAsync(request, retrySoon: true);
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => ResumeAsync();

    private Task ResumeAsync() => this.ResumeAsync(state, request => CarryOnAsync(request, retrySoon: false));

    private async Task CarryOnAsync(MemberDeletionRequest request, bool retrySoon)
    {
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
                await this.EndAsync(state);
                throw;
            }

            foreach (var chunk in households.Chunk(FanOut))
            {
                await Task.WhenAll(chunk.Select(h => GrainFactory.GetGrain<IHouseholdGrain>(h).ForgetMemberAsync(Id, request.Actor)));
            }

            await member.CompleteDeleteAsync();
            await this.EndAsync(state);
        }
        catch when (retrySoon && state.State.Pending is not null)
        {
            this.RetrySoon(ResumeAsync);
            throw;
        }
    }
}
