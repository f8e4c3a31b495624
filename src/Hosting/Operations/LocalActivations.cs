using System.Collections.Concurrent;
using GridGov.Contracts.Cases;
using Orleans.Runtime.Placement;

namespace GridGov.Hosting.Operations;

/// <summary>
/// This silo's activations of the balanced grain types, kept as Orleans reports each activation becoming valid and
/// starting to deactivate (its activation working set's observer). Orleans' own per-type counts
/// (<c>GetSimpleGrainStatistics</c>) come from one process-wide counter, which is wrong when several silos share a
/// process (as the tests run them), and listing them (<c>GetDetailedGrainStatistics</c>) walks every activation of
/// the silo; this costs one type test per activation and answers counts and the activations to move at once.
/// </summary>
public sealed class LocalActivations : IActivationWorkingSetObserver
{
    /// <summary>The balanced kinds: the grids' live views, long-lived and fed by streams, and the cases.</summary>
    public const string Grids = "grids";

    public const string Cases = "cases";

    private readonly ConcurrentDictionary<GrainId, IGrainContext> _grids = new();
    private readonly ConcurrentDictionary<GrainId, IGrainContext> _cases = new();

    public IReadOnlyDictionary<string, int> Counts() => new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [Grids] = _grids.Count,
        [Cases] = _cases.Count,
    };

    /// <summary>
    /// Asks up to <paramref name="count"/> of this silo's activations of <paramref name="kind"/> to migrate to
    /// <paramref name="target"/> once idle (Orleans moves their persistent state with them); answers how many it asked.
    /// </summary>
    public int Migrate(string kind, int count, SiloAddress target)
    {
        var of = Of(kind);
        if (of is null)
        {
            return 0;
        }

        // Orleans places the migrating activation with the placement director, which takes this hint.
        var hint = new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = target };
        var asked = 0;
        foreach (var (id, activation) in of)
        {
            if (asked == count)
            {
                break;
            }

            if (of.TryRemove(id, out _))
            {
                activation.Migrate(hint);
                asked++;
            }
        }

        return asked;
    }

    void IActivationWorkingSetObserver.OnAdded(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext activation && Of(activation.GrainInstance) is { } of)
        {
            of[activation.GrainId] = activation;
        }
    }

    void IActivationWorkingSetObserver.OnDeactivating(IActivationWorkingSetMember member) => Forget(member);

    void IActivationWorkingSetObserver.OnDeactivated(IActivationWorkingSetMember member) => Forget(member);

    private void Forget(IActivationWorkingSetMember member)
    {
        if (member is not IGrainContext activation)
        {
            return;
        }

        if (Of(activation.GrainInstance) is { } of)
        {
            of.TryRemove(activation.GrainId, out _);
        }
        else if (activation.GrainInstance is null)
        {
            // Already torn down: which kind it was is no longer known.
            _grids.TryRemove(activation.GrainId, out _);
            _cases.TryRemove(activation.GrainId, out _);
        }
    }

    private ConcurrentDictionary<GrainId, IGrainContext>? Of(object? grain) => grain switch
    {
        IGridCasesGrain => _grids,
        ICaseGrain => _cases,
        _ => null,
    };

    private ConcurrentDictionary<GrainId, IGrainContext>? Of(string kind) => kind switch
    {
        Grids => _grids,
        Cases => _cases,
        _ => null,
    };
}
