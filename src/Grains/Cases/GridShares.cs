using GridGov.Contracts.Cases;

namespace GridGov.Grains.Cases;

/// <summary>
/// What a case counts for in each grid it has been in, when a re-gridding moved it: historic indicators stay with the
/// grid they happened in. The old grid keeps the counters (not the gauges: the case is no longer open there) of the
/// snapshot it left with; the new grid counts the case as it stands less those counters, so only what happens after
/// the move counts there, and every roll-up above both counts the case once. A counter the case loses after a move
/// (a dispatch undone by a return) stays with the old grid: the one case where the sum differs from the case alone.
/// </summary>
internal static class GridShares
{
    /// <summary>The counters (no gauges) among a snapshot's tally keys.</summary>
    public static TallyKey[] Counters(CaseSnapshot c) =>
        Metrics.KeysOf(c).Where(k => k.Day != 0).ToArray();

    /// <summary>What <paramref name="keys"/> count beyond the <paramref name="baseline"/> the grid took the case with.</summary>
    public static TallyKey[] Beyond(TallyKey[] keys, TallyKey[]? baseline) =>
        baseline is null || baseline.Length == 0 ? keys : keys.Except(baseline).ToArray();

    /// <summary>
    /// What the case counts for in <paramref name="grid"/>, given its recorded moves (a retired grid takes no case
    /// back, so a case leaves a grid at most once and enters it at most once).
    /// </summary>
    public static TallyKey[] Of(string grid, CaseSnapshot current, IEnumerable<CaseDeparture> moves)
    {
        CaseDeparture? arrival = null, departure = null;
        foreach (var move in moves)
        {
            arrival = move.To == grid ? move : arrival;
            departure = move.From == grid ? move : departure;
        }

        var baseline = arrival is null ? null : Counters(arrival.Case);
        return departure is not null ? Beyond(Counters(departure.Case), baseline)
            : current.GridCode == grid ? Beyond(Metrics.KeysOf(current), baseline)
            : [];
    }
}
