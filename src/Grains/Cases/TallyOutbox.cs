using GridGov.Contracts.Cases;

namespace GridGov.Grains.Cases;

/// <summary>
/// The outgoing side of a tally source: the deltas not yet handed to the node above, the source's epoch (new on each
/// activation) and the sequence number of its last batch.
/// </summary>
internal sealed class TallyOutbox
{
    private readonly Tally _pending = new();

    /// <summary>A new epoch is announced even when there is nothing to send, so the node above takes a fresh copy.</summary>
    private bool _announce = true;

    public Guid Epoch { get; private set; } = Guid.NewGuid();

    public long Seq { get; private set; }

    public TallyPosition Position => new(Epoch, Seq);

    /// <summary>Starts a new epoch: the node above will take a whole copy instead of any delta it may have missed.</summary>
    public void Restart()
    {
        Epoch = Guid.NewGuid();
        Seq = 0;
        _pending.Clear();
        _announce = true;
    }

    public void Add(IEnumerable<TallyKey> keys, long sign) => _pending.Add(keys, sign);

    public void Add(IReadOnlyDictionary<TallyKey, long> counts, long sign) => _pending.Add(counts, sign);

    /// <summary>The whole tally under a sequence number that covers every delta so far (pending ones are folded in).</summary>
    public TallyBatch Snapshot(string source, Tally whole)
    {
        if (!_pending.IsEmpty)
        {
            Seq++;
            _pending.Clear();
        }

        return new TallyBatch(source, Epoch, Seq, whole.Copy());
    }

    /// <summary>The next batch to hand up, if there is anything to say.</summary>
    public TallyBatch? Next(string source)
    {
        if (_pending.IsEmpty && !_announce)
        {
            return null;
        }

        Seq++;
        _announce = false;
        var batch = new TallyBatch(source, Epoch, Seq, _pending.Copy());
        _pending.Clear();
        return batch;
    }
}
