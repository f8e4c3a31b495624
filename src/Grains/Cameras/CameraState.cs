using GridGov.Contracts.Cameras;

namespace GridGov.Grains.Cameras;

[GenerateSerializer, Alias("gridgov.camera-state")]
internal sealed class CameraState
{
    [Id(0)] public CameraSnapshot? Camera { get; set; }

    /// <summary>What each label did, by label (kept when a label is dropped from the camera, so its figures stay).</summary>
    [Id(1)] public Dictionary<string, CameraLabelTally> Tallies { get; set; } = [];

    /// <summary>The open case of each label that repeated detections attach to, with the time of its last detection.</summary>
    [Id(2)] public Dictionary<string, OpenDetectionCase> Open { get; set; } = [];

    /// <summary>The camera's cases not yet decided, with their label: a decision counts once, for its label.</summary>
    [Id(3)] public Dictionary<string, string> Undecided { get; set; } = [];

    /// <summary>The latest detections taken (label and time) and what became of each, oldest first, for retries.</summary>
    [Id(4)] public List<SeenDetection> Seen { get; set; } = [];
}

[GenerateSerializer, Immutable, Alias("gridgov.camera-open-case")]
internal sealed record OpenDetectionCase([property: Id(0)] string CaseId, [property: Id(1)] DateTimeOffset LastAt);

[GenerateSerializer, Immutable, Alias("gridgov.camera-seen")]
internal sealed record SeenDetection([property: Id(0)] string Key, [property: Id(1)] DetectionResult Result);
