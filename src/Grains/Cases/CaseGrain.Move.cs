using GridGov.Contracts;
using GridGov.Contracts.Cases;

namespace GridGov.Grains.Cases;

/// <summary>Re-gridding: an open case follows its grid's retirement to the grid that holds it now.</summary>
internal sealed partial class CaseGrain
{
    public const string MovedEvent = "moved";

    async Task<bool> ICaseGrain.MoveAsync(string from, string to, string reason, string actor)
    {
        await LoadAsync();
        var current = Case;
        if (current.GridCode != from)
        {
            // A retried move: the event may not have reached the old grid before a crash, and its view ignores what it has.
            await PublishDepartureAsync(from);
            return false;
        }

        if (!CaseStates.IsOpen(current.State) || from == to)
        {
            return false;
        }

        // The event is published on the new grid's stream by the commit, and then on the old grid's, whose view drops
        // the case (keeping what it already counted for it: historic indicators stay with the grid they happened in).
        await CommitAsync(current with { GridCode = to }, MovedEvent, actor, $"Moved from {from} to {to}: {reason}.");
        await PublishDepartureAsync(from);
        return true;
    }

    /// <summary>Publishes the latest <c>moved</c> event that took the case out of <paramref name="from"/> on that grid's stream.</summary>
    private async Task PublishDepartureAsync(string from)
    {
        var history = state.State.History;
        for (var i = history.Count - 1; i > 0; i--)
        {
            if (history[i].Type == MovedEvent && history[i - 1].GridCode == from)
            {
                await NewCases.StreamOf(this.GetStreamProvider(ProviderNames.Streams), from).OnNextBatchAsync([history[i]]);
                return;
            }
        }
    }
}
