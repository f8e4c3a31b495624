using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using Orleans.Concurrency;

namespace GridGov.Grains.People;

/// <summary>
/// Puts a member, then has each listed household link it. Not the member grain itself: a household that is linking
/// waits on its member, so the member asking its households could deadlock with them. A stateless worker that keeps
/// nothing: an import is idempotent, so a registration cut short is completed by importing the file again.
/// </summary>
[StatelessWorker]
internal sealed class MemberRegistrarGrain : Grain, IMemberRegistrarGrain
{
    async Task<MemberRegistration> IMemberRegistrarGrain.RegisterAsync(PartyMemberProfile profile, IReadOnlyList<string> households, string actor)
    {
        var memberId = this.GetPrimaryKeyString();
        var saved = await GrainFactory.GetGrain<IPartyMemberGrain>(memberId).PutAsync(profile, actor, null);
        var links = 0;
        var refused = new List<LinkRefusal>();
        foreach (var household in households)
        {
            try
            {
                await GrainFactory.GetGrain<IHouseholdGrain>(household).LinkMemberAsync(memberId, actor);
                links++;
            }
            catch (DomainException e)
            {
                refused.Add(new LinkRefusal(household, e.Message));
            }
        }

        return new MemberRegistration(saved.Outcome, links, refused);
    }
}
