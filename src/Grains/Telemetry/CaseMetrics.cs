using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GridGov.Grains.Telemetry;

/// <summary>
/// GridGov's case instruments on the <c>GridGov</c> meter: what the grains record as cases move. Recording is a
/// counter or histogram update in this process, never a grain call; the only tag is the district code, taken from a
/// per-process cache so the hot path allocates nothing once a district has been seen.
/// </summary>
public sealed class CaseMetrics
{
    /// <summary>The name of GridGov's own meter (every GridGov instrument hangs on it).</summary>
    public const string MeterName = "GridGov";

    public const string DistrictTag = "district";

    // Intake is milliseconds when healthy and seconds under a storm; delivery lag the same with a longer tail.
    private static readonly IReadOnlyList<double> IntakeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly IReadOnlyList<double> LagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Counter<long> _reported;
    private readonly Counter<long> _closed;
    private readonly Counter<long> _overdue;
    private readonly Histogram<double> _intake;
    private readonly Histogram<double> _lag;

    // District codes are the first six characters of a case id or grid code: one string per district for the tags.
    private readonly ConcurrentDictionary<string, string> _districts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _districtLookup;

    public CaseMetrics(IMeterFactory meters)
    {
        _districtLookup = _districts.GetAlternateLookup<ReadOnlySpan<char>>();
        var meter = meters.Create(MeterName);
        _reported = meter.CreateCounter<long>("gridgov.cases.reported", "{case}", "New cases created by case reception, by district.");
        _closed = meter.CreateCounter<long>("gridgov.cases.closed", "{case}", "Cases closed after verification, by district.");
        _overdue = meter.CreateCounter<long>("gridgov.cases.overdue", "{case}", "Cases whose time limit passed before they were resolved, by district.");
        _intake = meter.CreateHistogram(
            "gridgov.cases.intake.duration", "s", "Time case reception takes to store a new case and publish its first event.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = IntakeBuckets });
        _lag = meter.CreateHistogram(
            "gridgov.cases.stream.lag", "s", "Time from a case event to its application by its grid's view (GridCasesGrain).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
    }

    /// <summary>A case was created; <paramref name="code"/> is its id or grid code (both start with the district).</summary>
    public void Reported(string code, TimeSpan intake)
    {
        var district = District(code);
        _reported.Add(1, district);
        _intake.Record(intake.TotalSeconds, district);
    }

    public void Closed(string code) => _closed.Add(1, District(code));

    public void Overdue(string code) => _overdue.Add(1, District(code));

    /// <summary>How long an event took from its case's write to its grid's view; clocks of different silos may disagree a little.</summary>
    public void Applied(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    private KeyValuePair<string, object?> District(string code)
    {
        var span = code.AsSpan(0, Math.Min(6, code.Length));
        if (!_districtLookup.TryGetValue(span, out var district))
        {
            district = _districts.GetOrAdd(span.ToString(), static d => d);
        }

        return new KeyValuePair<string, object?>(DistrictTag, district);
    }
}
