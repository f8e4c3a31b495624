using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;

namespace GridGov.Api.Cases;

/// <summary>Indicators of a node or handler: gauges now, counts and rates over the period, today, this month, breakdowns.</summary>
public sealed record IndicatorsView(
    string Territory,
    string From,
    string To,
    string Day,
    IReadOnlyDictionary<string, long> Current,
    IReadOnlyDictionary<string, long> Period,
    IReadOnlyDictionary<string, double?> Rates,
    IReadOnlyDictionary<string, long> Today,
    IReadOnlyDictionary<string, long> ThisMonth,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByCategory,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> BySource)
{
    public static IndicatorsView Of(IndicatorSet s) => new(
        s.Territory, Metrics.Format(s.From), Metrics.Format(s.To), Metrics.Format(s.Day),
        s.Current, s.Period, s.Rates, s.Today, s.ThisMonth, s.ByCategory, s.BySource);
}

public sealed record RankedNodeView(string Code, string Name, TerritoryLevel Level, double? Value, long Open, long Overdue, long Warned);

public sealed record RankingView(string Territory, string Indicator, string From, string To, IReadOnlyList<RankedNodeView> Items);

/// <summary>One key where the live roll-up and the recount differ.</summary>
public sealed record DriftView(string Metric, string? Day, string? Dimension, long Live, long Recount)
{
    public static DriftView From(TallyDrift d) => new(
        d.Key.Metric,
        d.Key.Day == 0 ? null : Metrics.Format(d.Key.Day),
        d.Key.Dim.Length == 0 ? null : d.Key.Dim,
        d.Live,
        d.Recount);
}

public sealed record RecountView(string Territory, int CasesCounted, IReadOnlyList<DriftView> Drift, bool Repaired, IReadOnlyList<DriftView> DriftAfterRepair);
