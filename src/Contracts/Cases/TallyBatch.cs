namespace GridGov.Contracts.Cases;

/// <summary>
/// A whole tally or a delta of one, as a source hands it to the node above it: the source's epoch (a new one on each
/// activation, so the node knows to take a whole copy) and a sequence number (a gap means a delta went missing).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.tally-batch")]
public sealed record TallyBatch(
    [property: Id(0)] string Source,
    [property: Id(1)] Guid Epoch,
    [property: Id(2)] long Seq,
    [property: Id(3)] Dictionary<TallyKey, long> Counts);
