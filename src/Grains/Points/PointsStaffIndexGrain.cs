using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.Points;

namespace GridGov.Grains.Points;

[GenerateSerializer, Alias("gridgov.points-staff-index-state")]
internal sealed class PointsStaffIndexState
{
    /// <summary>Staff id → member id.</summary>
    [Id(0)] public Dictionary<string, string> Members { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A district's staff ids of Party members (a few hundred at most). The member claims here before it records its staff
/// id, so two members never hold one; a claim whose member write then failed is harmless, as the case grants check the
/// member's own staff id before paying.
/// </summary>
internal sealed class PointsStaffIndexGrain(
    [PersistentState("points-staff-index", ProviderNames.MainStorage)] IPersistentState<PointsStaffIndexState> state) : Grain, IPointsStaffIndexGrain
{
    async Task IPointsStaffIndexGrain.ClaimAsync(string memberId, string? staffId, string? previousStaffId)
    {
        var members = state.State.Members;
        if (staffId is not null && members.TryGetValue(staffId, out var holder) && holder != memberId
            && await GrainFactory.GetGrain<Contracts.People.IPartyMemberGrain>(holder).GetAsync() is { } other && other.StaffId == staffId)
        {
            throw DomainException.Conflict($"Staff id {staffId} belongs to Party member {holder}.", "staffId");
        }

        var changed = false;
        if (previousStaffId is not null && members.TryGetValue(previousStaffId, out var was) && was == memberId)
        {
            changed |= members.Remove(previousStaffId);
        }

        if (staffId is not null && (!members.TryGetValue(staffId, out var now) || now != memberId))
        {
            members[staffId] = memberId;
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    Task<string?> IPointsStaffIndexGrain.MemberOfAsync(string staffId) => Task.FromResult(state.State.Members.GetValueOrDefault(staffId));
}
