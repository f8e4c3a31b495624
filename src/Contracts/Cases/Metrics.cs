using System.Globalization;
using GridGov.Contracts.Territory;

namespace GridGov.Contracts.Cases;

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
    public const string Escalated = "escalated";           // escalatedAt (the latest escalation), escalated at least once
    public const string EscalatedToCommunity = "escalatedToCommunity"; // escalatedAt, handled at the community now
    public const string EscalatedToStreet = "escalatedToStreet";       // escalatedAt, handled at the street now
    public const string EscalatedToDistrict = "escalatedToDistrict";   // escalatedAt, handled at the district now

    public static readonly IReadOnlyList<string> Gauges = [Open, Overdue, Warned];

    public static readonly IReadOnlyList<string> Counters =
    [
        Reported, Filed, Rejected, Merged, Dispatched, RespondedInTime, Extended, Due, DueClosed, DueOnTime, Closed,
        ClosedOnTime, Reworked, Evaluated, Resolved, Satisfied, Escalated, EscalatedToCommunity, EscalatedToStreet,
        EscalatedToDistrict,
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

        // A case counts once, at the level it was escalated to last (the levels it passed on the way are not
        // counted again: the snapshot keeps only the latest escalation's time).
        if (c.EscalatedAt is { } escalated && EscalatedMetric(c.HandledAt) is { } level)
        {
            var day = DayOf(escalated);
            yield return (Escalated, day);
            yield return (level, day);
        }
    }

    private static string? EscalatedMetric(TerritoryLevel level) => level switch
    {
        TerritoryLevel.Community => EscalatedToCommunity,
        TerritoryLevel.Street => EscalatedToStreet,
        TerritoryLevel.District => EscalatedToDistrict,
        _ => null,
    };

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
