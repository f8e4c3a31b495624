using GridGov.Contracts.People;

namespace GridGov.Grains.People;

/// <summary>
/// A deletion that has been decided (the commit point) but whose steps are not all done yet. Every step after it is
/// idempotent, so a repeated request, or the next activation, finishes it.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.pending-deletion")]
internal sealed record PendingDeletion([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Actor);

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

/// <summary>A grain state that can hold a decided deletion.</summary>
internal interface IDeletableState
{
    PendingDeletion? Deletion { get; set; }
}

internal static class DeletionSteps
{
    /// <summary>Records the decision to delete; a decision that could not be written is not kept in memory either.</summary>
    public static async Task DecideDeletionAsync<TState>(this IPersistentState<TState> state, DateTimeOffset at, string actor)
        where TState : IDeletableState
    {
        state.State.Deletion = new PendingDeletion(at, actor);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Deletion = null;
            throw;
        }
    }
}
