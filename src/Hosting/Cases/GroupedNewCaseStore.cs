using GridGov.Grains.Cases;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Cases;

/// <summary>
/// New cases' first states, committed in groups (<see cref="GroupCommit{T}"/>): the reports that arrive while one write
/// runs go together in the next, through <see cref="OrleansStorageRows"/>, which lays them out as the grain storage
/// would. Each report is answered only after its write committed, so an acknowledged case is stored; a report whose
/// case was stored already is answered with what is stored.
/// </summary>
public sealed class GroupedNewCaseStore : INewCaseStore
{
    private readonly OrleansStorageRows _rows;
    private readonly INewCaseStore _fallback;
    private readonly GroupCommit<Pending> _commits;

    public GroupedNewCaseStore(OrleansStorageRows rows, INewCaseStore fallback)
    {
        _rows = rows;
        _fallback = fallback;
        _commits = new GroupCommit<Pending>(WriteGroupAsync, (pending, e) => pending.Done.TrySetException(e));
    }

    public async Task<NewCaseWrite<T>> TryInsertAsync<T>(GrainId grain, string stateName, T state)
    {
        if (!OrleansStorageRows.Covers(grain, stateName))
        {
            return await _fallback.TryInsertAsync(grain, stateName, state);
        }

        var pending = new Pending(_rows.RowOf(grain, stateName, state));
        _commits.Enqueue(pending);
        return await pending.Done.Task is { } stored
            ? new(false, stored.Payload is { } payload ? _rows.Deserialize<T>(payload) : default)
            : new(true, state);
    }

    // A chunk that fails fails its own reports only: the chunks before it are committed and answered.
    private async Task WriteGroupAsync(List<Pending> group)
    {
        foreach (var chunk in group.Chunk(OrleansStorageRows.MaxRowsPerInsert))
        {
            try
            {
                var answers = await _rows.InsertAsync(Array.ConvertAll(chunk, p => p.Row), CancellationToken.None);
                for (var i = 0; i < chunk.Length; i++)
                {
                    chunk[i].Done.TrySetResult(answers[i]);
                }
            }
            catch (Exception e)
            {
                Array.ForEach(chunk, p => p.Done.TrySetException(e));
            }
        }
    }

    /// <summary>A report waiting for its write: null when its row was inserted, else the row stored.</summary>
    private sealed record Pending(OrleansStorageRow Row)
    {
        public TaskCompletionSource<StoredRow?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
