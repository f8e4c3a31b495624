namespace GridGov.Contracts.Cases;

/// <summary>Indicators of one node (or handler) over a period: gauges now, counts, rates, breakdowns.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.indicators")]
public sealed record IndicatorSet(
    [property: Id(0)] string Territory,
    [property: Id(1)] int From,
    [property: Id(2)] int To,
    [property: Id(3)] int Day,
    [property: Id(4)] IReadOnlyDictionary<string, long> Current,
    [property: Id(5)] IReadOnlyDictionary<string, long> Period,
    [property: Id(6)] IReadOnlyDictionary<string, double?> Rates,
    [property: Id(7)] IReadOnlyDictionary<string, long> Today,
    [property: Id(8)] IReadOnlyDictionary<string, long> ThisMonth,
    [property: Id(9)] IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByCategory,
    [property: Id(10)] IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> BySource)
{
    /// <summary>A gauge, counter (over the period) or rate by name, for ranking.</summary>
    public double? Value(string name) =>
        Current.TryGetValue(name, out var gauge) ? gauge
        : Period.TryGetValue(name, out var count) ? count
        : Rates.TryGetValue(name, out var rate) ? rate
        : null;

    /// <summary>Computes the indicators of a tally for the days <paramref name="from"/> to <paramref name="to"/> (inclusive).</summary>
    public static IndicatorSet Compute(string territory, IReadOnlyDictionary<TallyKey, long> counts, int from, int to, int today)
    {
        var monthStart = (today / 100 * 100) + 1;
        var current = Metrics.Gauges.ToDictionary(m => m, _ => 0L, StringComparer.Ordinal);
        var period = Metrics.Counters.ToDictionary(m => m, _ => 0L, StringComparer.Ordinal);
        var todays = Metrics.Counters.ToDictionary(m => m, _ => 0L, StringComparer.Ordinal);
        var month = Metrics.Counters.ToDictionary(m => m, _ => 0L, StringComparer.Ordinal);
        var byCategory = new SortedDictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var bySource = new SortedDictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var (key, value) in counts)
        {
            var gauge = key.Day == 0;
            var inPeriod = gauge || (key.Day >= from && key.Day <= to);
            if (key.Dim.Length == 0)
            {
                if (gauge)
                {
                    current[key.Metric] = value;
                    continue;
                }

                if (inPeriod)
                {
                    period[key.Metric] += value;
                }

                if (key.Day == today)
                {
                    todays[key.Metric] += value;
                }

                if (key.Day >= monthStart && key.Day <= today)
                {
                    month[key.Metric] += value;
                }
            }
            else if (inPeriod)
            {
                var breakdown = key.Dim.StartsWith("c:", StringComparison.Ordinal) ? byCategory : bySource;
                var name = key.Dim[2..];
                if (!breakdown.TryGetValue(name, out var metrics))
                {
                    breakdown[name] = metrics = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                metrics[key.Metric] = metrics.GetValueOrDefault(key.Metric) + value;
            }
        }

        var rates = Metrics.Rates.ToDictionary(
            r => r.Name,
            r => period[r.Denominator] == 0 ? (double?)null : Math.Round((double)period[r.Numerator] / period[r.Denominator], 4),
            StringComparer.Ordinal);
        return new IndicatorSet(
            territory, from, to, today, current, period, rates, todays, month,
            byCategory.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, long>)p.Value, StringComparer.Ordinal),
            bySource.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, long>)p.Value, StringComparer.Ordinal));
    }
}
