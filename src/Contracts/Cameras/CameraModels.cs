namespace GridGov.Contracts.Cameras;

/// <summary>
/// A detection label a camera produces (e.g. <c>illegal-parking</c>), the district category its cases take, the
/// confidence from which a detection becomes a case (0–1, inclusive), and the window within which a repeated
/// detection of it attaches to the open case instead of making another (minutes, from the last detection attached).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.camera-label")]
public sealed record CameraLabel(
    [property: Id(0)] string Label,
    [property: Id(1)] string Category,
    [property: Id(2)] double Threshold,
    [property: Id(3)] int WindowMinutes = CameraLabel.DefaultWindowMinutes)
{
    public const int DefaultWindowMinutes = 30;
}

/// <summary>What a PUT of a camera sets: the whole record; the grid and micro-grid are found by locate.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.camera-upsert")]
public sealed record CameraUpsert(
    [property: Id(0)] string Name,
    [property: Id(1)] double Lat,
    [property: Id(2)] double Lon,
    [property: Id(3)] string? Address,
    [property: Id(4)] IReadOnlyList<CameraLabel> Labels);

/// <summary>A camera of the registry, keyed by its 20-digit national video code (<see cref="CameraCodes"/>).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.camera-snapshot")]
public sealed record CameraSnapshot(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] double Lat,
    [property: Id(3)] double Lon,
    [property: Id(4)] string? Address,
    [property: Id(5)] string GridCode,
    [property: Id(6)] string? MicroGridCode,
    [property: Id(7)] IReadOnlyList<CameraLabel> Labels,
    [property: Id(8)] long Version,
    [property: Id(9)] DateTimeOffset UpdatedAt)
{
    /// <summary>Where the camera's cases go: its micro-grid (whose chief handles them), else its grid.</summary>
    public string CaseGrid => MicroGridCode ?? GridCode;
}

/// <summary>
/// What one label of a camera did: detections received, those below the threshold (recorded only), cases made, repeats
/// attached to an open case, and of its cases those decided (rejected, closed or merged) and rejected as false positives.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.camera-label-tally")]
public sealed record CameraLabelTally(
    [property: Id(0)] string Label,
    [property: Id(1)] long Detections,
    [property: Id(2)] long BelowThreshold,
    [property: Id(3)] long Cases,
    [property: Id(4)] long Attached,
    [property: Id(5)] long Decided,
    [property: Id(6)] long FalsePositives)
{
    /// <summary>Cases not rejected as false positives over cases decided; null before any case is decided.</summary>
    public double? Precision => Decided == 0 ? null : (double)(Decided - FalsePositives) / Decided;
}

/// <summary>A camera with its tallies per label.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.camera-status")]
public sealed record CameraStatus(
    [property: Id(0)] CameraSnapshot Camera,
    [property: Id(1)] IReadOnlyList<CameraLabelTally> Tallies);

/// <summary>The answer to a PUT: the camera, and whether it was created (201) or replaced (200).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.camera-put")]
public sealed record CameraPut(
    [property: Id(0)] CameraSnapshot Camera,
    [property: Id(1)] bool Created);

/// <summary>One detection as a camera system posts it: label, confidence (0–1), snapshot URL and when it was seen.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.camera-detection")]
public sealed record CameraDetection(
    [property: Id(0)] string Label,
    [property: Id(1)] double Confidence,
    [property: Id(2)] string SnapshotUrl,
    [property: Id(3)] DateTimeOffset At);

/// <summary>What became of a detection.</summary>
public enum DetectionOutcome
{
    /// <summary>Below the label's threshold: counted only.</summary>
    Recorded,

    /// <summary>A new case was reported.</summary>
    Reported,

    /// <summary>Attached to the label's open case (a <c>detection</c> entry in its history).</summary>
    Attached,
}

/// <summary>The outcome, the case it made or joined, and whether this was a replay of a detection already taken.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.detection-result")]
public sealed record DetectionResult(
    [property: Id(0)] DetectionOutcome Outcome,
    [property: Id(1)] string? CaseId,
    [property: Id(2)] bool Replayed);
