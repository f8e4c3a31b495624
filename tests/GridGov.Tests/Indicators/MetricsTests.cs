using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;

namespace GridGov.Tests.Indicators;

/// <summary>The facts a case counts for, from its snapshot alone.</summary>
public sealed class MetricsTests
{
    private static readonly DateTimeOffset Reported = new(2026, 11, 25, 15, 30, 0, TimeSpan.Zero); // 23:30 in Beijing

    private static CaseSnapshot Case(CaseState state) => new()
    {
        Id = "110105-20261125-abc",
        State = state,
        Category = "event.environment",
        Source = CaseSource.Hotline12345,
        Description = "t",
        GridCode = "110105001001001",
        MediaUrls = [],
        ReportedBy = "t",
        ReportedAt = Reported,
        HandledAt = TerritoryLevel.Grid,
        Version = 1,
    };

    [Fact]
    public void Days_are_counted_in_China_Standard_Time()
    {
        Assert.Equal(20261125, Metrics.DayOf(Reported));
        Assert.Equal(20261126, Metrics.DayOf(Reported.AddMinutes(31)));
        Assert.Equal("2026-11-26", Metrics.Format(20261126));
    }

    [Fact]
    public void An_overdue_open_case_counts_as_open_and_overdue_but_not_warned()
    {
        var facts = Metrics.FactsOf(Case(CaseState.InProgress) with { Warned = true, Overdue = true }).ToArray();
        Assert.Contains((Metrics.Open, 0), facts);
        Assert.Contains((Metrics.Overdue, 0), facts);
        Assert.DoesNotContain((Metrics.Warned, 0), facts);
    }

    [Fact]
    public void A_case_closed_late_after_rework_and_an_extension_counts_in_each_rate()
    {
        var dispatched = Reported.AddHours(1);
        var c = Case(CaseState.Evaluated) with
        {
            DispatchedAt = dispatched, Deadline = dispatched.AddHours(24), RespondBy = dispatched.AddHours(1), AcceptedAt = dispatched.AddHours(2),
            ClosedAt = dispatched.AddHours(30), Reworks = 1, Extensions = 1, EvaluatedAt = dispatched.AddHours(31), Satisfaction = 3, ResolvedAsReported = true,
        };
        var keys = Metrics.KeysOf(c);
        var set = IndicatorSet.Compute("x", keys.GroupBy(k => k).ToDictionary(g => g.Key, g => (long)g.Count()), 20261101, 20261130, 20261127);
        Assert.Equal(1, set.Period[Metrics.Closed]);
        Assert.Equal(0, set.Period[Metrics.ClosedOnTime]);
        Assert.Equal(0.0, set.Rates["onTimeClosure"]);
        Assert.Equal(1.0, set.Rates["closure"]);
        Assert.Equal(1.0, set.Rates["rework"]);
        Assert.Equal(1.0, set.Rates["extension"]);
        Assert.Equal(0.0, set.Rates["response"]);
        Assert.Equal(1.0, set.Rates["resolution"]);
        Assert.Equal(0.0, set.Rates["satisfaction"]);
        Assert.Equal(1, set.BySource["hotline12345"][Metrics.Reported]);
        Assert.Equal(0, set.Current[Metrics.Open]);
    }
}
