namespace GridGov.Demo;

/// <summary>
/// A small deterministic generator (SplitMix64). The sequence of a seeded <see cref="System.Random"/> is not promised
/// to stay the same across .NET versions; this one is, so a seed names the same data set on every machine.
/// </summary>
internal sealed class Rng(ulong state)
{
    private ulong _state = state;

    /// <summary>
    /// An independent stream for one entity: the same (seed, stream, index) always gives the same numbers, whatever
    /// else was generated before, so household 17 stays household 17 when only the count changes.
    /// </summary>
    public static Rng For(int seed, string stream, long index)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in stream)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return new Rng(Mix(Mix((ulong)(uint)seed ^ hash) ^ (ulong)index));
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) =>
        maxExclusive > 0 ? (int)Math.BigMul(NextUInt64(), (ulong)maxExclusive, out _) : throw new ArgumentOutOfRangeException(nameof(maxExclusive));

    /// <summary>Uniform in [min, maxInclusive].</summary>
    public int Between(int min, int maxInclusive) => min + Next(maxInclusive - min + 1);

    public double Between(double min, double max) => min + NextDouble() * (max - min);

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An index drawn with probability proportional to its weight.</summary>
    public int PickWeighted(IReadOnlyList<double> weights)
    {
        var target = NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Count; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return i;
            }
        }

        return weights.Count - 1;
    }

    /// <summary>
    /// Shares <paramref name="total"/> units among slots: each starts at its minimum, then units go one at a time to a
    /// slot drawn by weight among those still below their maximum. The sum is exactly the total.
    /// </summary>
    public int[] Distribute(int total, IReadOnlyList<int> min, IReadOnlyList<int> max, IReadOnlyList<double> weights)
    {
        var result = min.ToArray();
        var left = total - result.Sum();
        if (left < 0 || max.Sum() < total)
        {
            throw new InvalidOperationException($"{total} cannot be shared within the bounds ({result.Sum()} to {max.Sum()}).");
        }

        var open = new double[result.Length];
        for (; left > 0; left--)
        {
            for (var i = 0; i < result.Length; i++)
            {
                open[i] = result[i] < max[i] ? weights[i] : 0;
            }

            if (open.All(w => w <= 0))
            {
                // Only slots of weight 0 have room left: they share what remains evenly.
                for (var i = 0; i < result.Length; i++)
                {
                    open[i] = result[i] < max[i] ? 1 : 0;
                }
            }

            result[PickWeighted(open)]++;
        }

        return result;
    }

    /// <summary>Fractions that sum to 1, each within ±spread of the mean (irregular but never degenerate).</summary>
    public double[] Fractions(int count, double spread = 0.3)
    {
        var raw = Enumerable.Range(0, count).Select(_ => Between(1 - spread, 1 + spread)).ToArray();
        var sum = raw.Sum();
        return raw.Select(r => r / sum).ToArray();
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
