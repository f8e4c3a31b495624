namespace GridGov.Hosting.Storage;

/// <summary>
/// Group commit: one write runs at a time, and everything queued while it runs goes into the next, so the database
/// sees one write per round trip however many callers there are. One writer, not several, because larger batches
/// cost the database less per row and several writers answered no sooner (<c>docs/storage.md</c>). The writes run on
/// the thread pool, off the scheduler of whichever grain queued first. <c>write</c> completes the items it wrote; items
/// of a write that throws are handed to <c>fail</c>.
/// </summary>
internal sealed class GroupCommit<T>(Func<List<T>, Task> write, Action<T, Exception> fail)
{
    private readonly Lock _gate = new();
    private List<T> _queue = [];
    private bool _writing;

    public void Enqueue(T item)
    {
        lock (_gate)
        {
            _queue.Add(item);
            if (_writing)
            {
                return;
            }

            _writing = true;
        }

        _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
    }

    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            List<T> items;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                (items, _queue) = (_queue, []);
            }

            try
            {
                await write(items);
            }
            catch (Exception e)
            {
                items.ForEach(item => fail(item, e));
            }
        }
    }
}
