using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GridGov.Grains.Telemetry;

namespace GridGov.Tests.Telemetry;

/// <summary>
/// Listens to every instrument of the <c>GridGov</c> meter in this process (every test host's) while it lives: counters
/// summed and histogram measurements counted, by instrument and the value of their one tag. Tests key on fresh
/// districts, or assert "at least", so other tests running meanwhile cannot disturb them.
/// </summary>
public sealed class GridGovMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string? Tag), double> _totals = new();

    public GridGovMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CaseMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        // Histograms: how many measurements, not their sum.
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Add(instrument, 1, tags));
        _listener.Start();
    }

    /// <summary>The counter's sum (a histogram's count) for the tag value; null sums every tag value.</summary>
    public double Total(string instrument, string? tag = null) =>
        _totals.Where(t => t.Key.Instrument == instrument && (tag is null || t.Key.Tag == tag)).Sum(t => t.Value);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tag = tags.Length > 0 ? tags[0].Value as string : null;
        _totals.AddOrUpdate((instrument.Name, tag), value, (_, total) => total + value);
    }
}
