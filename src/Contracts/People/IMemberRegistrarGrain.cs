using GridGov.Contracts.Security;

namespace GridGov.Contracts.People;

/// <summary>
/// Registers a Party member together with the households it keeps in touch with (keyed by the member's id), as the
/// member import asks for each row: the member is put, then each household links it.
/// </summary>
[Alias("gridgov.member-registrar")]
public interface IMemberRegistrarGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Refused as a whole when the member is; a household that refuses its link is reported, the others are linked.</summary>
    [Alias("register")]
    Task<MemberRegistration> RegisterAsync(PartyMemberProfile profile, IReadOnlyList<string> households, string actor);
}
