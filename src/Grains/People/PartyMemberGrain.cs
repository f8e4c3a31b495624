using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;

namespace GridGov.Grains.People;

[GenerateSerializer, Alias("gridgov.party-member-state")]
internal sealed class PartyMemberState
{
    [Id(0)] public PartyMemberSnapshot? Member { get; set; }
    [Id(1)] public string? PhoneHash { get; set; }
}

/// <summary>A Party member: profile, organization (moved by transfer, with history) and the households they keep in touch with.</summary>
internal sealed class PartyMemberGrain(
    [PersistentState("party-member", ProviderNames.MainStorage)] IPersistentState<PartyMemberState> state,
    IPeopleReadModel readModel,
    TimeProvider time) : Grain, IPartyMemberGrain
{
    private string Id => this.GetPrimaryKeyString();

    async Task<PartyMemberSnapshot> IPartyMemberGrain.PutAsync(PartyMemberProfile profile, string actor, long? expectedVersion)
    {
        if (!PeopleIds.IsValid(Id, "M"))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a Party member id of the form {{district}}-M{{id}}.");
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
            && existing.Joined == profile.Joined && existing.OrganizationId == profile.OrganizationId && existing.GridRole == profile.GridRole?.Trim())
        {
            return existing;
        }

        await RequireOrganizationAsync(profile.OrganizationId);
        var history = existing?.History.ToList() ?? [];
        var now = time.GetUtcNow();
        if (existing is null)
        {
            history.Add(new RegistryChange(now, actor, "registered", null, profile.OrganizationId));
        }
        else if (existing.OrganizationId != profile.OrganizationId)
        {
            history.Add(new RegistryChange(now, actor, "transferred", existing.OrganizationId, profile.OrganizationId));
        }

        state.State.PhoneHash = profile.PhoneHash;
        state.State.Member = new PartyMemberSnapshot(
            Id, profile.Name.Trim(), profile.PhoneMasked, profile.Status, profile.Mobile, profile.Joined, profile.OrganizationId,
            profile.GridRole?.Trim(), existing?.Households ?? [], history, (existing?.Version ?? 0) + 1);
        await state.WriteStateAsync();
        await readModel.UpsertMemberAsync(state.State.Member, CancellationToken.None);
        return state.State.Member;
    }

    Task<PartyMemberSnapshot?> IPartyMemberGrain.GetAsync() => Task.FromResult(state.State.Member);

    async Task<PartyMemberSnapshot> IPartyMemberGrain.TransferAsync(string organizationId, string actor, string? note)
    {
        var current = state.State.Member ?? throw DomainException.NotFound($"Party member {Id} does not exist.");
        if (current.OrganizationId == organizationId)
        {
            throw DomainException.Conflict($"Party member {Id} already belongs to {organizationId}.", "organizationId");
        }

        await RequireOrganizationAsync(organizationId);
        state.State.Member = current with
        {
            OrganizationId = organizationId,
            History = [.. current.History, new RegistryChange(time.GetUtcNow(), actor, note is null ? "transferred" : $"transferred: {note}", current.OrganizationId, organizationId)],
            Version = current.Version + 1,
        };
        await state.WriteStateAsync();
        await readModel.UpsertMemberAsync(state.State.Member, CancellationToken.None);
        return state.State.Member;
    }

    async Task IPartyMemberGrain.KeepHouseholdAsync(string householdId, bool linked)
    {
        var current = state.State.Member ?? throw DomainException.Invalid("memberId", $"Party member {Id} does not exist.");
        if (current.Households.Contains(householdId) == linked)
        {
            return;
        }

        state.State.Member = current with
        {
            Households = linked ? [.. current.Households, householdId] : current.Households.Where(h => h != householdId).ToArray(),
            Version = current.Version + 1,
        };
        await state.WriteStateAsync();
        await readModel.UpsertMemberAsync(state.State.Member, CancellationToken.None);
    }

    private async Task RequireOrganizationAsync(string organizationId)
    {
        if (!PeopleIds.IsValid(organizationId, "PO") || organizationId[..6] != Id[..6]
            || await GrainFactory.GetGrain<IPartyOrganizationGrain>(organizationId).GetAsync() is null)
        {
            throw DomainException.Invalid("organizationId", $"Party organization {organizationId} does not exist in district {Id[..6]}.");
        }
    }
}
