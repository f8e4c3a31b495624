namespace GridGov.Contracts.Cases;

/// <summary>
/// One counter of a tally: a metric, the day it falls on (<c>yyyyMMdd</c> in China Standard Time, or 0 for a gauge
/// of the present such as <c>open</c>), and a dimension: <c>""</c> for the total, <c>c:{category}</c> or
/// <c>s:{source}</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.tally-key")]
public readonly record struct TallyKey([property: Id(0)] string Metric, [property: Id(1)] int Day, [property: Id(2)] string Dim);
