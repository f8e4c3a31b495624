namespace GridGov.Contracts.People;

public enum RegistryKind
{
    Household,
    PartyOrganization,
    PartyMember,
}

/// <summary>
/// What stays of a deleted registry entry (table <c>gridgov_people_archive</c>): who deleted it and when, its last
/// version, and its trail (<paramref name="Record"/>, stored as JSON) — never a resident's personal data.
/// </summary>
public sealed record RegistryDeletion(RegistryKind Kind, string Id, DateTimeOffset At, string Actor, long Version, object Record);

/// <summary>What the archive keeps of a household or a Party member: where it was, and its history.</summary>
public sealed record ArchivedTrail(string Place, IReadOnlyList<RegistryChange> History);
