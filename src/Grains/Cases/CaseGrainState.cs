using GridGov.Contracts.Cases;

namespace GridGov.Grains.Cases;

[GenerateSerializer, Alias("gridgov.case-state")]
internal sealed class CaseGrainState
{
    /// <summary>Written by earlier versions only: the case is now the snapshot of the last event of the history.</summary>
    [Id(0)] public CaseSnapshot? Case { get; set; }

    [Id(1)] public List<CaseEvent> History { get; set; } = [];

    /// <summary>Written by earlier versions only: the unpublished events themselves (now <see cref="Unpublished"/>).</summary>
    [Id(2)] public List<CaseEvent> Outbox { get; set; } = [];

    /// <summary>
    /// The outbox: versions of history events written but perhaps not yet published. Published after each write and
    /// again on the first call after activation. Versions, not copies, so each snapshot is stored once.
    /// </summary>
    [Id(3)] public List<long> Unpublished { get; set; } = [];

    /// <summary>The case as it stands: the snapshot its last event carries.</summary>
    public CaseSnapshot? Current => History.Count > 0 ? History[^1].Case : Case;

    /// <summary>Appends a transition as the next version's event, unpublished until <see cref="Published"/>.</summary>
    public void Append(CaseSnapshot next, string type, string actor, string? note, DateTimeOffset at, IReadOnlyList<CaseSupervisor>? supervisors = null)
    {
        var version = (Current?.Version ?? 0) + 1;
        var snapshot = next with { Version = version, UpdatedAt = at };
        Case = null;
        History.Add(new CaseEvent(Guid.NewGuid(), snapshot.Id, version, type, snapshot.GridCode, at, actor, note, snapshot, supervisors));
        Unpublished.Add(version);
    }

    public CaseEvent[] UnpublishedEvents()
    {
        var unpublished = Unpublished.ToHashSet();
        return History.Where(e => unpublished.Contains(e.Version)).ToArray();
    }

    /// <summary>
    /// Clears the outbox in memory only: the next write persists the empty outbox; a crash before that republishes,
    /// and consumers ignore what they already have.
    /// </summary>
    public void Published() => Unpublished.Clear();
}
