using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.People;

[GenerateSerializer, Alias("gridgov.party-member-state")]
internal sealed class PartyMemberState : IDeletableState
{
    [Id(0)] public PartyMemberSnapshot? Member { get; set; }
    [Id(1)] public string? PhoneHash { get; set; }

    /// <summary>Set once a deletion is decided; the member is gone for readers and refuses new links from then on.</summary>
    [Id(2)] public PendingDeletion? Deletion { get; set; }

    /// <summary>The organization this member left by transfer and that may not know it yet (telling it again is harmless).</summary>
    [Id(3)] public string? PendingLeave { get; set; }
}

/// <summary>
/// A Party member: profile, organization (moved by transfer, with history) and the households they keep in touch with.
/// The organization is the arbiter of its membership: a member enrolls before it records the organization and leaves
/// after recording another, so an organization knows every member that names it (and refuses to be deleted while it has
/// one). A deletion unlinks the member's households through them (its workflow, <see cref="MemberDeletionGrain"/>, asks
/// each one: a household that is linking waits on its member, so the member never waits on a household), then leaves the
/// organization.
/// </summary>
internal sealed partial class PartyMemberGrain(
    [PersistentState("party-member", ProviderNames.MainStorage)] IPersistentState<PartyMemberState> state,
    IPeopleReadModel readModel,
    TimeProvider time) : Grain, IPartyMemberGrain
{
    /// <summary>The organization this member is enrolling in and has not recorded yet (it counts as a member there).</summary>
    private string? _joining;

    private string Id => this.GetPrimaryKeyString();

    /// <summary>The member as readers see it: none once its deletion is decided.</summary>
    private PartyMemberSnapshot? Live => state.State.Deletion is null ? state.State.Member : null;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LeavePendingAsync();

    async Task<Saved<PartyMemberSnapshot>> IPartyMemberGrain.PutAsync(PartyMemberProfile profile, string actor, long? expectedVersion)
    {
        if (!PeopleIds.IsValid(Id, "M"))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a Party member id of the form {{district}}-M{{id}}.");
        }

        if (state.State.Deletion is not null)
        {
            throw DomainException.Conflict($"Party member {Id} is being deleted; a repeated DELETE waits until it is gone.");
        }

        var existing = state.State.Member;
        if (expectedVersion is { } expected && expected != (existing?.Version ?? 0))
        {
            throw DomainException.Stale(expected, existing?.Version ?? 0);
        }

        Validation.Text(profile.Name, "name", 50);
        if (profile.GridRole is not null)
        {
            Validation.Text(profile.GridRole, "gridRole", 50);
        }

        if (profile.Joined > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) || profile.Joined.Year < 1921)
        {
            throw DomainException.Invalid("joined", "joined is a date from 1921 to today.");
        }

        if (existing is not null && state.State.PhoneHash == profile.PhoneHash && existing.Name == profile.Name.Trim()
            && existing.PhoneMasked == profile.PhoneMasked && existing.Status == profile.Status && existing.Mobile == profile.Mobile
            && existing.Joined == profile.Joined && existing.OrganizationId == profile.OrganizationId && existing.GridRole == profile.GridRole?.Trim()
            && existing.StaffId == profile.StaffId?.Trim())
        {
            return new(existing, SaveOutcome.Unchanged);
        }

        await Points.StaffLink.ClaimAsync(GrainFactory, Id, profile.StaffId, existing?.StaffId);

        // Enrolling again in the same organization is harmless, and enrolls members recorded before organizations kept lists.
        var saved = await EnrollAndCommitAsync(profile.OrganizationId, member =>
        {
            var history = existing?.History.ToList() ?? [];
            var now = time.GetUtcNow();
            if (existing is null)
            {
                history.Add(new RegistryChange(now, actor, "registered", null, profile.OrganizationId));
            }
            else if (existing.OrganizationId != profile.OrganizationId)
            {
                history.Add(new RegistryChange(now, actor, "transferred", existing.OrganizationId, profile.OrganizationId));
                member.PendingLeave = existing.OrganizationId;
            }

            // A PUT that says the member is no longer mobile is their return; one that keeps them mobile keeps where they are.
            if (existing?.Mobility is { } away && !profile.Mobile)
            {
                history.Add(new RegistryChange(now, actor, "returned", Where(away), null));
            }

            member.PhoneHash = profile.PhoneHash;
            member.Member = new PartyMemberSnapshot(
                Id, profile.Name.Trim(), profile.PhoneMasked, profile.Status, profile.Mobile, profile.Joined, profile.OrganizationId,
                profile.GridRole?.Trim(), existing?.Households ?? [], history, (existing?.Version ?? 0) + 1)
            {
                StaffId = profile.StaffId?.Trim(),
                Mobility = profile.Mobile ? existing?.Mobility : null,
            };
        });
        return new(saved, existing is null ? SaveOutcome.Created : SaveOutcome.Updated);
    }

    Task<PartyMemberSnapshot?> IPartyMemberGrain.GetAsync() => Task.FromResult(Live);

    async Task<PartyMemberSnapshot> IPartyMemberGrain.TransferAsync(string organizationId, string actor, string? note)
    {
        var current = Live ?? throw DomainException.NotFound($"Party member {Id} does not exist.");
        if (current.OrganizationId == organizationId)
        {
            throw DomainException.Conflict($"Party member {Id} already belongs to {organizationId}.", "organizationId");
        }

        return await EnrollAndCommitAsync(organizationId, member =>
        {
            member.Member = current with
            {
                OrganizationId = organizationId,
                History = current.History.Append(new RegistryChange(time.GetUtcNow(), actor, note is null ? "transferred" : $"transferred: {note}", current.OrganizationId, organizationId)).ToArray(),
                Version = current.Version + 1,
            };
            member.PendingLeave = current.OrganizationId;
        });
    }

    async Task IPartyMemberGrain.KeepHouseholdAsync(string householdId, bool linked)
    {
        var current = state.State.Member;
        if (current is null || state.State.Deletion is not null && linked)
        {
            // Nothing to forget; a link to a member that is gone is refused, and the household undoes it.
            if (linked)
            {
                throw DomainException.Invalid("memberId", $"Party member {Id} does not exist.");
            }

            return;
        }

        if (current.Households.Contains(householdId) == linked)
        {
            return;
        }

        state.State.Member = current with
        {
            Households = linked ? current.Households.Append(householdId).ToArray() : current.Households.Where(h => h != householdId).ToArray(),
            Version = current.Version + 1,
        };
        await state.WriteStateAsync();

        // A member being deleted has already left the read model.
        if (state.State.Deletion is null)
        {
            await readModel.UpsertMemberAsync(state.State.Member, CancellationToken.None);
        }
    }

    Task<bool> IPartyMemberGrain.IsMemberOfAsync(string organizationId) =>
        Task.FromResult(state.State.Member?.OrganizationId == organizationId || _joining == organizationId);

    async Task<IReadOnlyList<string>> IPartyMemberGrain.BeginDeleteAsync(string actor, long? expectedVersion)
    {
        var member = state.State.Member ?? throw DomainException.NotFound($"Party member {Id} does not exist.");

        // Once decided, a deletion is only finished: its deletion grain carries it on (a retry, a new DELETE) whatever the If-Match.
        if (state.State.Deletion is null)
        {
            if (expectedVersion is { } expected && expected != member.Version)
            {
                throw DomainException.Stale(expected, member.Version);
            }

            await state.DecideDeletionAsync(time.GetUtcNow(), actor);
        }

        var deletion = state.State.Deletion!;
        await readModel.RemoveAsync(
            new RegistryDeletion(
                RegistryKind.PartyMember, Id, deletion.At, deletion.Actor, member.Version,
                new ArchivedTrail(member.OrganizationId, member.History.Append(new RegistryChange(deletion.At, deletion.Actor, "deleted", member.OrganizationId, null)).ToArray())),
            CancellationToken.None);
        return member.Households;
    }

    async Task IPartyMemberGrain.CompleteDeleteAsync()
    {
        var member = state.State.Member;
        if (member is null)
        {
            return;
        }

        if (state.State.Deletion is null)
        {
            throw DomainException.Conflict($"Party member {Id} is not being deleted.");
        }

        if (member.Households.Count > 0)
        {
            throw DomainException.Conflict($"Party member {Id} still keeps in touch with {string.Join(", ", member.Households)}; its deletion carries on until none is left.");
        }

        await LeavePendingAsync();
        await GrainFactory.GetGrain<IPartyOrganizationGrain>(member.OrganizationId).LeaveAsync(Id);
        await state.ClearStateAsync();
    }

    /// <summary>
    /// The one way a member comes to name an organization (registration, update, transfer): it enrolls there first, then
    /// records the change, then tells the organization it left. So an organization knows every member that names it.
    /// </summary>
    private async Task<PartyMemberSnapshot> EnrollAndCommitAsync(string organizationId, Action<PartyMemberState> change)
    {
        await LeavePendingAsync();
        try
        {
            await EnrollAsync(organizationId);
            change(state.State);
            await state.WriteStateAsync();
        }
        finally
        {
            _joining = null;
        }

        await readModel.UpsertMemberAsync(state.State.Member!, CancellationToken.None);
        await LeavePendingAsync();
        return state.State.Member!;
    }

    /// <summary>Enrolls in the organization (which refuses when it does not exist); until recorded, the member counts as joining.</summary>
    private async Task EnrollAsync(string organizationId)
    {
        if (!PeopleIds.IsValid(organizationId, "PO") || DistrictCode.Of(organizationId) != DistrictCode.Of(Id))
        {
            throw DomainException.Invalid("organizationId", $"Party organization {organizationId} does not exist in district {DistrictCode.Of(Id)}.");
        }

        _joining = organizationId;
        await GrainFactory.GetGrain<IPartyOrganizationGrain>(organizationId).EnrollAsync(Id);
    }

    /// <summary>Tells the organization left by a transfer; the mark is cleared in memory and written with the next change.</summary>
    private async Task LeavePendingAsync()
    {
        if (state.State.PendingLeave is { } left)
        {
            await GrainFactory.GetGrain<IPartyOrganizationGrain>(left).LeaveAsync(Id);
            state.State.PendingLeave = null;
        }
    }
}
