using GridGov.Contracts.Common;
using GridGov.Contracts.People;

namespace GridGov.Grains.People;

/// <summary>
/// Mobile Party members (流动党员): a member who works or lives away is marked mobile with where they are, and stays a
/// member of their home organization, which lists them (<see cref="IPeopleReadModel.ListMobileMembersAsync"/>). Going and
/// coming back are entries of the member's history, so a member's years away can be read back.
/// </summary>
internal sealed partial class PartyMemberGrain
{
    private const int MaxPlace = 100;

    async Task<PartyMemberSnapshot> IPartyMemberGrain.SetMobilityAsync(MemberMobility mobility, string actor, long? expectedVersion)
    {
        var current = Current(expectedVersion);
        Validation.Text(mobility.City, "city", MaxPlace);
        Validation.Text(mobility.HoldingOrganization, "holdingOrganization", MaxPlace * 2);
        var place = mobility with { City = mobility.City.Trim(), HoldingOrganization = mobility.HoldingOrganization.Trim() };
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (place.Since > today || place.Since < current.Joined)
        {
            throw DomainException.Invalid("since", $"since is a date from the day the member joined ({current.Joined:yyyy-MM-dd}) to today.");
        }

        if (current.Mobility == place)
        {
            return current;
        }

        var what = current.Mobility is null ? "went mobile" : "moved while mobile";
        return await CommitAsync(current with
        {
            Mobile = true,
            Mobility = place,
            History = current.History.Append(new RegistryChange(time.GetUtcNow(), actor, what, current.Mobility is { } before ? Where(before) : null, Where(place))).ToArray(),
            Version = current.Version + 1,
        });
    }

    async Task<PartyMemberSnapshot> IPartyMemberGrain.ReturnAsync(DateOnly returnedOn, string? note, string actor, long? expectedVersion)
    {
        var current = Current(expectedVersion);
        if (!current.Mobile)
        {
            throw DomainException.Conflict($"Party member {Id} is not mobile.", "mobility");
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (returnedOn > today || current.Mobility is { } away && returnedOn < away.Since)
        {
            throw DomainException.Invalid("returnedOn", "returnedOn is a date from the day the member went away to today.");
        }

        if (note is not null)
        {
            Validation.Text(note, "note", 500);
        }

        var text = note?.Trim();
        var what = text is null ? $"returned on {returnedOn:yyyy-MM-dd}" : $"returned on {returnedOn:yyyy-MM-dd}: {text}";
        return await CommitAsync(current with
        {
            Mobile = false,
            Mobility = null,
            History = current.History.Append(new RegistryChange(time.GetUtcNow(), actor, what, current.Mobility is { } from ? Where(from) : null, null)).ToArray(),
            Version = current.Version + 1,
        });
    }

    /// <summary>The member as it stands, checked against the caller's version.</summary>
    private PartyMemberSnapshot Current(long? expectedVersion)
    {
        var current = Live ?? throw DomainException.NotFound($"Party member {Id} does not exist.");
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Stale(expected, current.Version);
        }

        return current;
    }

    private async Task<PartyMemberSnapshot> CommitAsync(PartyMemberSnapshot changed)
    {
        state.State.Member = changed;
        await state.WriteStateAsync();
        await readModel.UpsertMemberAsync(changed, CancellationToken.None);
        return changed;
    }

    /// <summary>Where a mobile member is, as their history names it.</summary>
    private static string Where(MemberMobility place) => $"{place.City} ({place.HoldingOrganization}, since {place.Since:yyyy-MM-dd})";
}
