namespace GridGov.Grains.Operations;

/// <summary>Move <paramref name="Count"/> activations of <paramref name="Kind"/> from one silo to another.</summary>
internal readonly record struct PlannedMove(string Kind, SiloAddress From, SiloAddress To, int Count);

/// <summary>
/// One deterministic plan from one snapshot of activation counts per silo: for each kind, every silo's target is the
/// mean rounded down or up (the silos holding most keep the rounded-up targets, so the fewest activations move), and
/// silos above their target send the difference to silos below theirs, both taken in address order. A kind moves only
/// when some silo is further from the mean than the tolerance (and than one activation, which is all a few dozen grids
/// can promise), and at most a share of the kind's activations move per plan, so the cluster converges over a few
/// plans instead of moving everything at once on a snapshot that is already aging.
/// </summary>
internal static class BalancePlan
{
    /// <summary>A kind is balanced while every silo is within this share of the mean (or one activation of it).</summary>
    public const double Tolerance = 0.10;

    /// <summary>At most this share of a kind's activations (and at least one) moves in one plan.</summary>
    public const double MaxShare = 0.10;

    public static IReadOnlyList<PlannedMove> For(IReadOnlyDictionary<SiloAddress, IReadOnlyDictionary<string, int>> counts)
    {
        var silos = counts.Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var kinds = counts.Values.SelectMany(c => c.Keys).Distinct().Order(StringComparer.Ordinal);
        var moves = new List<PlannedMove>();
        foreach (var kind in kinds)
        {
            var of = silos.Select(s => counts[s].GetValueOrDefault(kind)).ToArray();
            moves.AddRange(ForKind(of).Select(m => new PlannedMove(kind, silos[m.From], silos[m.To], m.Count)));
        }

        return moves;
    }

    /// <summary>The moves between silos (by index) that bring <paramref name="counts"/> toward the mean.</summary>
    public static IReadOnlyList<(int From, int To, int Count)> ForKind(IReadOnlyList<int> counts)
    {
        var total = counts.Sum();
        if (counts.Count < 2 || total == 0)
        {
            return [];
        }

        var mean = (double)total / counts.Count;
        var allowed = Math.Max(Tolerance * mean, 1);
        if (counts.All(c => Math.Abs(c - mean) <= allowed))
        {
            return [];
        }

        // Targets: the mean rounded down, and rounded up for as many silos as the remainder, chosen among the fullest.
        var targets = Enumerable.Repeat(total / counts.Count, counts.Count).ToArray();
        foreach (var i in Enumerable.Range(0, counts.Count).OrderByDescending(i => counts[i]).ThenBy(i => i).Take(total % counts.Count))
        {
            targets[i]++;
        }

        var budget = Math.Max(1, (int)Math.Ceiling(MaxShare * total));
        var surplus = Enumerable.Range(0, counts.Count).Where(i => counts[i] > targets[i]).Select(i => (Silo: i, Left: counts[i] - targets[i])).ToList();
        var deficit = Enumerable.Range(0, counts.Count).Where(i => counts[i] < targets[i]).Select(i => (Silo: i, Left: targets[i] - counts[i])).ToList();
        var moves = new List<(int, int, int)>();
        int s = 0, d = 0;
        while (budget > 0 && s < surplus.Count && d < deficit.Count)
        {
            var n = Math.Min(budget, Math.Min(surplus[s].Left, deficit[d].Left));
            moves.Add((surplus[s].Silo, deficit[d].Silo, n));
            budget -= n;
            surplus[s] = surplus[s] with { Left = surplus[s].Left - n };
            deficit[d] = deficit[d] with { Left = deficit[d].Left - n };
            if (surplus[s].Left == 0)
            {
                s++;
            }

            if (deficit[d].Left == 0)
            {
                d++;
            }
        }

        return moves;
    }
}
