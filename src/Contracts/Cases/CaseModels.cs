namespace GridGov.Contracts.Cases;

/// <summary>The states of the closed loop (DOMAIN.md §4).</summary>
public enum CaseState
{
    Reported,
    Filed,
    Rejected,
    Dispatched,
    InProgress,
    Resolved,
    Closed,
    Evaluated,
    Merged,
}

/// <summary>Where a case came from (DOMAIN.md §7).</summary>
public enum CaseSource
{
    ResidentApp,
    GridPatrol,
    Hotline12345,
    Camera,
    Police,
    HigherLevel,
}

public enum CasePriority
{
    Normal,
    Urgent,
}

/// <summary>Every action a case takes, as named in the API (<c>POST /cases/{id}/{action}</c>).</summary>
public enum CaseActionKind
{
    File,
    Reject,
    Dispatch,
    Accept,
    Return,
    Resolve,
    Verify,
    Rework,
    Evaluate,
    RequestExtension,
    ApproveExtension,
    Escalate,
    Merge,
    DenyExtension,
}

public static class CaseStates
{
    /// <summary>States in which a case is still being worked on.</summary>
    public static bool IsOpen(CaseState state) =>
        state is CaseState.Reported or CaseState.Filed or CaseState.Dispatched or CaseState.InProgress or CaseState.Resolved;

    /// <summary>What can be done in each state. Anything else is refused with a 409 naming these.</summary>
    public static IReadOnlyList<CaseActionKind> Allowed(CaseState state) => state switch
    {
        CaseState.Reported => [CaseActionKind.File, CaseActionKind.Reject, CaseActionKind.Merge, CaseActionKind.Escalate],
        CaseState.Filed => [CaseActionKind.Dispatch, CaseActionKind.Merge, CaseActionKind.Escalate],
        CaseState.Dispatched => [CaseActionKind.Accept, CaseActionKind.Return, CaseActionKind.Dispatch, CaseActionKind.RequestExtension, CaseActionKind.ApproveExtension, CaseActionKind.Escalate, CaseActionKind.DenyExtension],
        // Dispatch in progress reassigns (a supervisor's, often from the level the case was escalated to).
        CaseState.InProgress => [CaseActionKind.Resolve, CaseActionKind.Dispatch, CaseActionKind.RequestExtension, CaseActionKind.ApproveExtension, CaseActionKind.Escalate, CaseActionKind.DenyExtension],
        CaseState.Resolved => [CaseActionKind.Verify, CaseActionKind.Rework],
        CaseState.Closed => [CaseActionKind.Evaluate],
        _ => [],
    };
}

/// <summary>A camera or AI detection: the confidence (0–1) and the snapshot.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-detection")]
public sealed record Detection([property: Id(0)] double Confidence, [property: Id(1)] string SnapshotUrl, [property: Id(2)] string? CameraCode);

/// <summary>A report as the intake hands it to the case grain: routed, validated, the reporter's phone masked.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.new-case")]
public sealed record NewCase(
    [property: Id(0)] string Category,
    [property: Id(1)] string Description,
    [property: Id(2)] CaseSource Source,
    [property: Id(3)] string GridCode,
    [property: Id(4)] double? Lat,
    [property: Id(5)] double? Lon,
    [property: Id(6)] string? Address,
    [property: Id(7)] string? ReporterName,
    [property: Id(8)] string? ReporterPhoneMasked,
    [property: Id(9)] IReadOnlyList<string> MediaUrls,
    [property: Id(10)] CasePriority Priority,
    [property: Id(11)] Detection? Detection,
    [property: Id(12)] string ReportedBy,
    [property: Id(13)] IReadOnlyDictionary<string, IReadOnlyList<string>>? Attributes = null)
{
    /// <summary>The enterprise the case concerns (<c>{district}-{creditCode}</c>), checked to exist in the case's district.</summary>
    [Id(15)] public string? EnterpriseId { get; init; }
    /// <summary>When the camera saw what it reports (the detection's own time), for a case a camera's detection made.</summary>
    [Id(16)] public DateTimeOffset? DetectedAt { get; init; }
    /// <summary>The reporting worker's open patrol the case was found on (checked at intake).</summary>
    [Id(17)] public string? PatrolId { get; init; }
}

/// <summary>One action on a case, with whatever it carries.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-action")]
public sealed record CaseAction(
    [property: Id(0)] CaseActionKind Kind,
    [property: Id(1)] string Actor,
    [property: Id(2)] string? Note,
    [property: Id(3)] string? Assignee = null,
    [property: Id(4)] int? Satisfaction = null,
    [property: Id(5)] bool? Resolved = null,
    [property: Id(6)] string? Comment = null,
    [property: Id(7)] TimeSpan? Extension = null,
    [property: Id(8)] string? Into = null,
    [property: Id(9)] IReadOnlyList<string>? Photos = null,
    [property: Id(10)] string? Reason = null);
