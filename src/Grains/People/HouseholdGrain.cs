using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;

namespace GridGov.Grains.People;

/// <remarks>
/// Lists kept in People grain state are arrays or <see cref="List{T}"/>, never what a collection expression makes for
/// an <see cref="IReadOnlyList{T}"/>: the storage writes JSON with type names and cannot read such compiler-made types back.
/// </remarks>
[GenerateSerializer, Alias("gridgov.household-state")]
internal sealed class HouseholdState : IDeletableState
{
    [Id(0)] public HouseholdSnapshot? Household { get; set; }

    /// <summary>The member whose side of a link change is not yet confirmed; settled again on activation.</summary>
    [Id(1)] public (string MemberId, bool Linked)? PendingMemberSync { get; set; }

    /// <summary>Set once a deletion is decided; the household is gone for readers from then on.</summary>
    [Id(2)] public PendingDeletion? Deletion { get; set; }
}

/// <summary>
/// A household. It is the arbiter of its link to a Party member: it records the link first (at most one member), then
/// tells the member; a crash in between is settled on activation, so both sides always end up agreeing. A member that
/// is gone by the time it is told refuses, and the link is undone. A deletion is recorded first and then carried out
/// by idempotent steps (the member forgets the household, the archive and the read model, the state is cleared), which
/// the next call or activation finishes after a failure. It applies a grid worker's reach itself (<see cref="GridAccess"/>),
/// so a handler makes one call and the rule cannot be skipped by a caller that forgets it.
/// </summary>
internal sealed partial class HouseholdGrain(
    [PersistentState("household", ProviderNames.MainStorage)] IPersistentState<HouseholdState> state,
    IPeopleReadModel readModel,
    KnownNodes nodes,
    TimeProvider time) : Grain, IHouseholdGrain
{
    private string Id => this.GetPrimaryKeyString();

    /// <summary>The household as readers see it: none once its deletion is decided.</summary>
    private HouseholdSnapshot? Live => state.State.Deletion is null ? state.State.Household : null;

    private HouseholdSnapshot Current => Live ?? throw DomainException.NotFound($"Household {Id} does not exist.");

    public override Task OnActivateAsync(CancellationToken cancellationToken) => SettleAsync();

    async Task<Saved<HouseholdSnapshot>> IHouseholdGrain.PutAsync(HouseholdAddress address, IReadOnlyList<string> tags, IReadOnlyList<Resident> residents, string actor, long? expectedVersion)
    {
        if (!PeopleIds.IsValid(Id, "H"))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a household id of the form {{district}}-H{{id}}.");
        }

        if (!await GridAccess.ReachesAsync(GrainFactory, address.GridCode))
        {
            throw DomainException.Forbidden($"You are not on the staff of grid {address.GridCode}.");
        }

        await SettleAsync();
        var existing = state.State.Household;
        if (expectedVersion is { } expected && expected != (existing?.Version ?? 0))
        {
            throw DomainException.Stale(expected, existing?.Version ?? 0);
        }

        await HouseholdRules.ValidateAddressAsync(Id, address, nodes, GrainFactory);
        var cleanTags = Validation.Tags(tags, "tags", HouseholdRules.MaxTags);
        var cleanResidents = HouseholdRules.Residents(Id, residents, time.GetUtcNow().Year);

        var history = existing?.History.ToList() ?? [];
        var now = time.GetUtcNow();
        if (existing is null)
        {
            history.Add(new RegistryChange(now, actor, "registered", null, address.GridCode));
        }
        else
        {
            if (existing.Address.GridCode != address.GridCode || existing.Address.MicroGridCode != address.MicroGridCode)
            {
                history.Add(new RegistryChange(now, actor, "moved", existing.Address.MicroGridCode ?? existing.Address.GridCode, address.MicroGridCode ?? address.GridCode));
            }

            foreach (var gone in existing.Residents.Where(r => cleanResidents.All(n => n.Id != r.Id)))
            {
                history.Add(new RegistryChange(now, actor, "resident-removed", gone.Id, null));
            }
        }

        foreach (var added in cleanResidents.Where(r => existing?.Residents.All(o => o.Id != r.Id) ?? true))
        {
            history.Add(new RegistryChange(now, actor, "resident-added", null, added.Id));
        }

        if (existing is not null && existing.Address == address && existing.Tags.SequenceEqual(cleanTags)
            && existing.Residents.Count == cleanResidents.Count && existing.Residents.Zip(cleanResidents).All(p => HouseholdRules.SameResident(p.First, p.Second)))
        {
            return new(existing, SaveOutcome.Unchanged);
        }

        var next = new HouseholdSnapshot(Id, address, cleanResidents, cleanTags, existing?.LinkedMemberId, history, (existing?.Version ?? 0) + 1);
        return new(await CommitAsync(next), existing is null ? SaveOutcome.Created : SaveOutcome.Updated);
    }

    Task<HouseholdSnapshot?> IHouseholdGrain.GetAsync() => Task.FromResult(Live);

    Task<HouseholdSnapshot> IHouseholdGrain.ReadAsync() => ReachableAsync();

    async Task<HouseholdSnapshot> IHouseholdGrain.LinkMemberAsync(string memberId, string actor)
    {
        await SettleAsync();
        var current = await ReachableAsync();
        if (current.LinkedMemberId == memberId)
        {
            return await TellMemberAsync(memberId, linked: true, actor) ? current : throw MemberGone(memberId);
        }

        if (current.LinkedMemberId is not null)
        {
            throw DomainException.Conflict($"Household {Id} is already linked to Party member {current.LinkedMemberId}; unlink first.", "memberId");
        }

        if (DistrictCode.Of(memberId) != DistrictCode.Of(Id) || await GrainFactory.GetGrain<IPartyMemberGrain>(memberId).GetAsync() is null)
        {
            throw MemberGone(memberId);
        }

        return await SyncMemberAsync(Recorded(current, actor, "member-linked", null, memberId) with { LinkedMemberId = memberId }, memberId, linked: true, actor);
    }

    async Task<HouseholdSnapshot> IHouseholdGrain.UnlinkMemberAsync(string memberId, string actor)
    {
        await SettleAsync();
        var current = await ReachableAsync();
        if (current.LinkedMemberId != memberId)
        {
            throw DomainException.Conflict($"Household {Id} is not linked to Party member {memberId}.", "memberId");
        }

        return await SyncMemberAsync(Recorded(current, actor, "member-unlinked", memberId, null) with { LinkedMemberId = null }, memberId, linked: false, actor);
    }

    async Task<Resident?> IHouseholdGrain.ReleaseResidentAsync(string residentId, string toHousehold, string actor)
    {
        await SettleAsync();
        var current = Current;

        // Already out: a resumed move repeats this step.
        if (current.Residents.FirstOrDefault(r => r.Id == residentId) is not { } resident)
        {
            return null;
        }

        await CommitAsync(Recorded(current, actor, "resident-moved-out", residentId, toHousehold) with { Residents = current.Residents.Where(r => r.Id != residentId).ToArray() });
        return resident;
    }

    async Task<HouseholdSnapshot> IHouseholdGrain.AdmitResidentAsync(Resident resident, string fromHousehold, string actor)
    {
        await SettleAsync();
        var current = Current;
        if (current.Residents.Any(r => r.Id == resident.Id))
        {
            return current;
        }

        if (current.Residents.Count >= HouseholdRules.MaxResidents)
        {
            throw DomainException.Conflict($"Household {Id} already has {HouseholdRules.MaxResidents} residents.");
        }

        return await CommitAsync(Recorded(current, actor, "resident-moved-in", fromHousehold, resident.Id) with { Residents = current.Residents.Append(resident).ToArray() });
    }

    async Task<HouseholdSnapshot> IHouseholdGrain.RemoveResidentAsync(string residentId, string actor, long? expectedVersion)
    {
        await SettleAsync();
        var current = await ReachableAsync();
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Stale(expected, current.Version);
        }

        if (current.Residents.All(r => r.Id != residentId))
        {
            throw DomainException.NotFound($"Resident {residentId} is not in household {Id}.");
        }

        return await CommitAsync(Recorded(current, actor, "resident-removed", residentId, null) with { Residents = current.Residents.Where(r => r.Id != residentId).ToArray() });
    }

    async Task IHouseholdGrain.DeleteAsync(string actor, long? expectedVersion)
    {
        var household = state.State.Household ?? throw DomainException.NotFound($"Household {Id} does not exist.");

        // Once decided, a deletion is only finished: a repeated DELETE completes it whatever its If-Match.
        if (state.State.Deletion is null)
        {
            await ReachableAsync();
            if (expectedVersion is { } expected && expected != household.Version)
            {
                throw DomainException.Stale(expected, household.Version);
            }

            await state.DecideDeletionAsync(time.GetUtcNow(), actor);
        }

        await FinishDeletionAsync();
    }

    async Task IHouseholdGrain.ForgetMemberAsync(string memberId, string actor)
    {
        await SettleAsync();
        if (Live is { } current && current.LinkedMemberId == memberId)
        {
            state.State.PendingMemberSync = (memberId, false);
            await CommitAsync(Recorded(current, actor, "member-deleted", memberId, null) with { LinkedMemberId = null });
        }

        // Confirmed even when this household had no such link, so the member's list can only shrink to empty.
        await TellMemberAsync(memberId, linked: false, actor);
    }

    /// <summary>Finishes what an earlier call or a crash left undone: a decided deletion, or a member not yet told of a link change.</summary>
    private async Task SettleAsync()
    {
        if (state.State.Deletion is not null)
        {
            await FinishDeletionAsync();
        }
        else if (state.State.PendingMemberSync is { } pending)
        {
            await TellMemberAsync(pending.MemberId, pending.Linked, "system");
        }
    }

    /// <summary>
    /// The steps of a decided deletion, each idempotent: the linked member (and one not yet told of a link change)
    /// forgets the household; the archive gets its history, the read model loses its rows; the state is cleared.
    /// </summary>
    private async Task FinishDeletionAsync()
    {
        try
        {
            var household = state.State.Household!;
            var deletion = state.State.Deletion!;
            foreach (var memberId in new[] { household.LinkedMemberId, state.State.PendingMemberSync?.MemberId }.OfType<string>().Distinct())
            {
                await GrainFactory.GetGrain<IPartyMemberGrain>(memberId).KeepHouseholdAsync(Id, false);
            }

            List<RegistryChange> history = [.. household.History];
            if (household.LinkedMemberId is { } linked)
            {
                history.Add(new RegistryChange(deletion.At, deletion.Actor, "member-unlinked", linked, null));
            }

            history.Add(new RegistryChange(deletion.At, deletion.Actor, "deleted", household.Address.GridCode, null));
            await readModel.RemoveAsync(
                new RegistryDeletion(RegistryKind.Household, Id, deletion.At, deletion.Actor, household.Version, new ArchivedTrail(household.Address.GridCode, history)),
                CancellationToken.None);
            await state.ClearStateAsync();
        }
        catch
        {
            // The next call, or a GET, activates afresh and finishes from the stored decision.
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task<HouseholdSnapshot> SyncMemberAsync(HouseholdSnapshot next, string memberId, bool linked, string actor)
    {
        state.State.PendingMemberSync = (memberId, linked);
        var committed = await CommitAsync(next);
        return await TellMemberAsync(memberId, linked, actor) ? committed : throw MemberGone(memberId);
    }

    /// <summary>
    /// Tells the member of a link change and clears the pending mark. A member that refuses a link (it was deleted, or
    /// is being deleted, since the link was recorded) has it undone here, and the answer is false.
    /// </summary>
    private async Task<bool> TellMemberAsync(string memberId, bool linked, string actor)
    {
        try
        {
            await GrainFactory.GetGrain<IPartyMemberGrain>(memberId).KeepHouseholdAsync(Id, linked);
        }
        catch (DomainException) when (linked && state.State.Household is { } current && current.LinkedMemberId == memberId)
        {
            state.State.PendingMemberSync = null;
            await CommitAsync(Recorded(current, actor, "member-link-undone", memberId, null) with { LinkedMemberId = null });
            return false;
        }

        if (state.State.PendingMemberSync is not null)
        {
            state.State.PendingMemberSync = null;
            await state.WriteStateAsync();
        }

        return true;
    }

    private DomainException MemberGone(string memberId) =>
        DomainException.Invalid("memberId", $"Party member {memberId} does not exist in district {DistrictCode.Of(Id)}.");

    /// <summary>
    /// The household as the caller may see it: a grid worker does not learn that a household of another grid exists,
    /// so it is refused as not found, like one that does not.
    /// </summary>
    private async Task<HouseholdSnapshot> ReachableAsync()
    {
        var current = Current;
        return await GridAccess.ReachesAsync(GrainFactory, current.Address.GridCode) ? current : throw DomainException.NotFound($"Household {Id} does not exist.");
    }

    /// <summary>The household with a change appended to its history and its version raised (every change but a PUT's).</summary>
    private HouseholdSnapshot Recorded(HouseholdSnapshot current, string actor, string what, string? from, string? to) => current with
    {
        History = current.History.Append(new RegistryChange(time.GetUtcNow(), actor, what, from, to)).ToArray(),
        Version = current.Version + 1,
    };

    private async Task<HouseholdSnapshot> CommitAsync(HouseholdSnapshot next)
    {
        state.State.Household = next;
        await state.WriteStateAsync();
        await readModel.UpsertHouseholdAsync(next, CancellationToken.None);
        return next;
    }
}
