using System.Globalization;

namespace GridGov.Contracts.Cases;

/// <summary>
/// One counter of a tally: a metric, the day it falls on (<c>yyyyMMdd</c> in China Standard Time, or 0 for a gauge
/// of the present such as <c>open</c>), and a dimension: <c>""</c> for the total, <c>c:{category}</c> or
/// <c>s:{source}</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.tally-key")]
public readonly record struct TallyKey([property: Id(0)] string Metric, [property: Id(1)] int Day, [property: Id(2)] string Dim);

/// <summary>
/// The indicator metrics (DOMAIN.md §4) and the facts a case contributes to them. Every number of every roll-up is a
/// sum of these facts over cases, computed from each case's latest snapshot alone: so a roll-up is exact whatever
/// order and however often events arrive, and a recount from the read model gives the same numbers.
/// </summary>
public static class Metrics
{
    // Gauges: the present, not a period.
    public const string Open = "open";
    public const string Overdue = "overdue";
    public const string Warned = "warned";

    // Counters, each on the day of the moment that defines it.
    public const string Reported = "reported";             // reportedAt
    public const string Filed = "filed";                   // filedAt
    public const string Rejected = "rejected";             // closedAt of a rejected case
    public const string Merged = "merged";                 // closedAt of a merged case
    public const string Dispatched = "dispatched";         // dispatchedAt
    public const string RespondedInTime = "respondedInTime"; // dispatchedAt, accepted within the response limit
    public const string Extended = "extended";             // dispatchedAt, at least one extension approved
    public const string Due = "due";                       // deadline
    public const string DueClosed = "dueClosed";           // deadline, closed (at any time)
    public const string DueOnTime = "dueOnTime";           // deadline, closed by the deadline
    public const string Closed = "closed";                 // closedAt of a verified case
    public const string ClosedOnTime = "closedOnTime";     // closedAt, closed by the deadline
    public const string Reworked = "reworked";             // closedAt, sent back at least once at verification
    public const string Evaluated = "evaluated";           // evaluatedAt
    public const string Resolved = "resolved";             // evaluatedAt, evaluated as resolved
    public const string Satisfied = "satisfied";           // evaluatedAt, rated 4 or 5

    public static readonly IReadOnlyList<string> Gauges = [Open, Overdue, Warned];

    public static readonly IReadOnlyList<string> Counters =
    [
        Reported, Filed, Rejected, Merged, Dispatched, RespondedInTime, Extended, Due, DueClosed, DueOnTime, Closed,
        ClosedOnTime, Reworked, Evaluated, Resolved, Satisfied,
    ];

    /// <summary>The rates of DOMAIN.md §4: name, numerator, denominator.</summary>
    public static readonly IReadOnlyList<(string Name, string Numerator, string Denominator)> Rates =
    [
        ("closure", DueClosed, Due),
        ("onTimeClosure", DueOnTime, Due),
        ("rework", Reworked, Closed),
        ("extension", Extended, Dispatched),
        ("response", RespondedInTime, Dispatched),
        ("resolution", Resolved, Evaluated),
        ("satisfaction", Satisfied, Evaluated),
    ];

    /// <summary>Every name an indicator query may rank by: gauges, counters and rates.</summary>
    public static readonly IReadOnlySet<string> All =
        Gauges.Concat(Counters).Concat(Rates.Select(r => r.Name)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Days are counted in China Standard Time (UTC+08:00, no daylight saving).</summary>
    public static readonly TimeSpan DayOffset = TimeSpan.FromHours(8);

    public static int DayOf(DateTimeOffset at)
    {
        var local = at.ToOffset(DayOffset);
        return (local.Year * 10_000) + (local.Month * 100) + local.Day;
    }

    public static int DayOf(DateOnly date) => (date.Year * 10_000) + (date.Month * 100) + date.Day;

    public static DateOnly DateOf(int day) => new(day / 10_000, day / 100 % 100, day % 100);

    public static string Format(int day) => DateOf(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The facts one case contributes, as (metric, day) pairs; day 0 for gauges.</summary>
    public static IEnumerable<(string Metric, int Day)> FactsOf(CaseSnapshot c)
    {
        if (CaseStates.IsOpen(c.State))
        {
            yield return (Open, 0);
            if (c.Overdue)
            {
                yield return (Overdue, 0);
            }
            else if (c.Warned)
            {
                yield return (Warned, 0);
            }
        }

        yield return (Reported, DayOf(c.ReportedAt));
        if (c.FiledAt is { } filed)
        {
            yield return (Filed, DayOf(filed));
        }

        if (c.State == CaseState.Rejected && c.ClosedAt is { } rejected)
        {
            yield return (Rejected, DayOf(rejected));
        }

        if (c.State == CaseState.Merged && c.ClosedAt is { } merged)
        {
            yield return (Merged, DayOf(merged));
        }

        if (c.DispatchedAt is { } dispatched)
        {
            var day = DayOf(dispatched);
            yield return (Dispatched, day);
            if (c is { AcceptedAt: { } accepted, RespondBy: { } respondBy } && accepted <= respondBy)
            {
                yield return (RespondedInTime, day);
            }

            if (c.Extensions > 0)
            {
                yield return (Extended, day);
            }
        }

        var closed = c.State is CaseState.Closed or CaseState.Evaluated ? c.ClosedAt : null;
        if (c.Deadline is { } deadline && c.State is not (CaseState.Rejected or CaseState.Merged))
        {
            var day = DayOf(deadline);
            yield return (Due, day);
            if (closed is { } at)
            {
                yield return (DueClosed, day);
                if (at <= deadline)
                {
                    yield return (DueOnTime, day);
                }
            }
        }

        if (closed is { } closedAt)
        {
            var day = DayOf(closedAt);
            yield return (Closed, day);
            if (c.Deadline is { } d && closedAt <= d)
            {
                yield return (ClosedOnTime, day);
            }

            if (c.Reworks > 0)
            {
                yield return (Reworked, day);
            }
        }

        if (c is { State: CaseState.Evaluated, EvaluatedAt: { } evaluated })
        {
            var day = DayOf(evaluated);
            yield return (Evaluated, day);
            if (c.ResolvedAsReported == true)
            {
                yield return (Resolved, day);
            }

            if (c.Satisfaction >= 4)
            {
                yield return (Satisfied, day);
            }
        }
    }

    /// <summary>Every tally key a case counts once in: each fact in the total, by category and by source.</summary>
    public static TallyKey[] KeysOf(CaseSnapshot c)
    {
        var category = "c:" + c.Category;
        var source = "s:" + SourceName(c.Source);
        return FactsOf(c)
            .SelectMany(f => new[] { new TallyKey(f.Metric, f.Day, ""), new TallyKey(f.Metric, f.Day, category), new TallyKey(f.Metric, f.Day, source) })
            .ToArray();
    }

    /// <summary>A source as the API spells it (camelCase).</summary>
    public static string SourceName(CaseSource source) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(source.ToString());
}

/// <summary>Counts by <see cref="TallyKey"/>: added and subtracted by whole cases, never by single events.</summary>
public sealed class Tally
{
    private readonly Dictionary<TallyKey, long> _counts;

    public Tally() => _counts = [];

    public Tally(IReadOnlyDictionary<TallyKey, long> counts) => _counts = new(counts);

    public IReadOnlyDictionary<TallyKey, long> Counts => _counts;

    public bool IsEmpty => _counts.Count == 0;

    public void Add(TallyKey key, long amount)
    {
        if (amount == 0)
        {
            return;
        }

        var value = _counts.GetValueOrDefault(key) + amount;
        if (value == 0)
        {
            _counts.Remove(key);
        }
        else
        {
            _counts[key] = value;
        }
    }

    public void Add(IEnumerable<TallyKey> keys, long sign)
    {
        foreach (var key in keys)
        {
            Add(key, sign);
        }
    }

    public void Add(IReadOnlyDictionary<TallyKey, long> counts, long sign = 1)
    {
        foreach (var (key, value) in counts)
        {
            Add(key, value * sign);
        }
    }

    public Dictionary<TallyKey, long> Copy() => new(_counts);

    public void Clear() => _counts.Clear();

    /// <summary>The keys whose counts differ from another tally's, with both values.</summary>
    public IReadOnlyList<(TallyKey Key, long Mine, long Theirs)> Differences(IReadOnlyDictionary<TallyKey, long> other) =>
        _counts.Keys.Union(other.Keys)
            .Select(k => (k, _counts.GetValueOrDefault(k), other.GetValueOrDefault(k)))
            .Where(d => d.Item2 != d.Item3)
            .OrderBy(d => d.k.Metric, StringComparer.Ordinal).ThenBy(d => d.k.Day).ThenBy(d => d.k.Dim, StringComparer.Ordinal)
            .ToArray();
}

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
