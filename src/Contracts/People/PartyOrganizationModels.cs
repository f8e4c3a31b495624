namespace GridGov.Contracts.People;

public enum OrganizationKind
{
    /// <summary>党委/党总支: the village- or community-level Party organization.</summary>
    Committee,

    /// <summary>党支部.</summary>
    Branch,

    /// <summary>党小组.</summary>
    Group,
}

[GenerateSerializer, Immutable, Alias("gridgov.party-organization-snapshot")]
public sealed record PartyOrganizationSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] OrganizationKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] string? ParentId,
    [property: Id(4)] string? PartyGridId,
    [property: Id(5)] string? GridCode,
    [property: Id(6)] IReadOnlyList<string> Children,
    [property: Id(7)] long Version,
    [property: Id(8)] IReadOnlyList<string> Members);
