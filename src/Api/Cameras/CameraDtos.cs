using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GridGov.Contracts.Cameras;

namespace GridGov.Api.Cameras;

/// <summary>A detection label: its district category, the confidence from which it makes a case (0–1), and the repeat window.</summary>
public sealed record CameraLabelRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Label,
    [property: Required, StringLength(32, MinimumLength = 1)] string Category,
    [property: JsonRequired, Range(0.0, 1.0)] double Threshold,
    [property: Range(1, 10_080)] int? WindowMinutes = null);

/// <summary>A camera: name, location (placed in a grid and micro-grid by locate), address, and its detection labels.</summary>
public sealed record CameraRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: JsonRequired, Range(-90.0, 90.0)] double Lat,
    [property: JsonRequired, Range(-180.0, 180.0)] double Lon,
    [property: Required, MinLength(1), MaxLength(50)] IReadOnlyList<CameraLabelRequest> Labels,
    [property: StringLength(200)] string? Address = null);

/// <summary>One detection from a camera system: label, confidence (0–1), snapshot URL and when the camera saw it.</summary>
public sealed record CameraDetectionRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string Label,
    [property: JsonRequired, Range(0.0, 1.0)] double Confidence,
    [property: Required, StringLength(500, MinimumLength = 1)] string SnapshotUrl,
    [property: JsonRequired] DateTimeOffset Time);

/// <summary>
/// A label with its figures: detections, those below the threshold (recorded only), cases made, repeats attached, cases
/// decided and rejected as false positives, and the precision (cases not false positives / cases decided; null before any).
/// </summary>
public sealed record CameraLabelView(
    string Label, string? Category, double? Threshold, int? WindowMinutes,
    long Detections, long BelowThreshold, long Cases, long Attached, long Decided, long FalsePositives, double? Precision);

public sealed record CameraView(
    string Code, string Name, double Lat, double Lon, string? Address, string GridCode, string? MicroGridCode,
    IReadOnlyList<CameraLabelView> Labels, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>The camera with its labels' settings and figures; a label the camera no longer produces keeps its figures, without settings.</summary>
    public static CameraView From(CameraStatus status)
    {
        var c = status.Camera;
        var labels = status.Tallies.Select(t => (Tally: t, Label: c.Labels.FirstOrDefault(l => l.Label == t.Label)))
            .Select(x => new CameraLabelView(
                x.Tally.Label, x.Label?.Category, x.Label?.Threshold, x.Label?.WindowMinutes,
                x.Tally.Detections, x.Tally.BelowThreshold, x.Tally.Cases, x.Tally.Attached, x.Tally.Decided, x.Tally.FalsePositives, x.Tally.Precision))
            .ToArray();
        return new(c.Code, c.Name, c.Lat, c.Lon, c.Address, c.GridCode, c.MicroGridCode, labels, c.Version, c.UpdatedAt);
    }
}

/// <summary>A camera in the district's list: its record, without figures.</summary>
public sealed record CameraSummary(
    string Code, string Name, double Lat, double Lon, string? Address, string GridCode, string? MicroGridCode,
    IReadOnlyList<CameraLabelSetting> Labels, long Version)
{
    public static CameraSummary From(CameraSnapshot c) => new(
        c.Code, c.Name, c.Lat, c.Lon, c.Address, c.GridCode, c.MicroGridCode,
        c.Labels.Select(l => new CameraLabelSetting(l.Label, l.Category, l.Threshold, l.WindowMinutes)).ToArray(), c.Version);
}

public sealed record CameraLabelSetting(string Label, string Category, double Threshold, int WindowMinutes);

public sealed record CameraPage(IReadOnlyList<CameraSummary> Items, string? NextCursor);

/// <summary>What became of a detection: recorded (below the threshold), reported (a new case) or attached (to the open case).</summary>
public sealed record DetectionResultView(DetectionOutcome Outcome, string? CaseId, bool Replayed);

/// <summary>The map layer: a GeoJSON FeatureCollection of the district's cameras as points.</summary>
public sealed record CameraLayerView(string Type, IReadOnlyList<CameraFeatureView> Features);

public sealed record CameraFeatureView(string Type, CameraPointView Geometry, CameraFeatureProperties Properties);

/// <summary>A GeoJSON Point: [lon, lat].</summary>
public sealed record CameraPointView(string Type, IReadOnlyList<double> Coordinates);

/// <summary>What a map tooltip shows: code, name, kind (camera), grid, micro-grid, address and the labels it detects.</summary>
public sealed record CameraFeatureProperties(string Code, string Name, string Kind, string GridCode, string? MicroGridCode, string? Address, IReadOnlyList<string> Labels);
