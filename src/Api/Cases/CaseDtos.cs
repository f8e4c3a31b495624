using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;

namespace GridGov.Api.Cases;

public sealed record ReporterRequest(
    [property: StringLength(50)] string? Name = null,
    [property: StringLength(20)] string? Phone = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Phone is not null && !PhoneMasking.IsPlausible(Phone))
        {
            yield return new ValidationResult("The phone must be 7 to 15 digits.", [nameof(Phone)]);
        }
    }
}

public sealed record DetectionRequest(
    [property: JsonRequired, Range(0.0, 1.0)] double Confidence,
    [property: Required, StringLength(500)] string SnapshotUrl,
    [property: StringLength(20, MinimumLength = 20)] string? CameraCode = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!CaseRequest.IsHttpUrl(SnapshotUrl))
        {
            yield return new ValidationResult("snapshotUrl is an absolute http(s) URL of at most 500 characters.", [nameof(SnapshotUrl)]);
        }
    }
}

/// <summary>
/// A report. Give <c>lat</c>/<c>lon</c> to route it by locate, or (staff only) <c>gridCode</c>. Its shape is checked
/// here; whether the category exists and where the point lies are for the cluster to say.
/// </summary>
public sealed record CaseRequest(
    [property: Required, StringLength(32)] string Category,
    [property: Required, StringLength(2000, MinimumLength = 1)] string Description,
    [property: JsonRequired] CaseSource Source,
    double? Lat = null,
    double? Lon = null,
    [property: StringLength(17)] string? GridCode = null,
    [property: StringLength(200)] string? Address = null,
    ReporterRequest? Reporter = null,
    IReadOnlyList<string>? MediaUrls = null,
    CasePriority? Priority = null,
    DetectionRequest? Detection = null,
    IReadOnlyDictionary<string, JsonElement>? Attributes = null,
    [property: StringLength(48)] string? PatrolId = null) : IValidatableObject
{
    public const int MaxMediaUrls = 10;

    /// <summary>The enterprise the case concerns, <c>{district}-{creditCode}</c>; it must exist in the case's district.</summary>
    [StringLength(32)]
    public string? EnterpriseId { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Which of gridCode or lat/lon a report needs is routing's rule, checked where the case is routed.
        if (GridCode is not null && (!TerritoryCode.IsValid(GridCode) || TerritoryCode.LevelOf(GridCode) < TerritoryLevel.Community))
        {
            yield return new ValidationResult("gridCode is the code of a grid (or a community or micro-grid).", [nameof(GridCode)]);
        }

        if (Lat is { } lat && (!double.IsFinite(lat) || lat is < -90 or > 90))
        {
            yield return new ValidationResult("lat is a latitude from -90 to 90 (WGS-84).", [nameof(Lat)]);
        }

        if (Lon is { } lon && (!double.IsFinite(lon) || lon is < -180 or > 180))
        {
            yield return new ValidationResult("lon is a longitude from -180 to 180.", [nameof(Lon)]);
        }

        var media = MediaUrls ?? [];
        if (media.Count > MaxMediaUrls)
        {
            yield return new ValidationResult($"At most {MaxMediaUrls} media URLs.", [nameof(MediaUrls)]);
        }

        for (var i = 0; i < media.Count; i++)
        {
            if (!IsHttpUrl(media[i]))
            {
                yield return new ValidationResult("Each media URL is an absolute http(s) URL of at most 500 characters.", [$"{nameof(MediaUrls)}[{i}]"]);
            }
        }

        if (Source == CaseSource.Camera && Detection is null)
        {
            yield return new ValidationResult("A camera case carries its detection (confidence and snapshotUrl).", [nameof(Detection)]);
        }
    }

    internal static bool IsHttpUrl(string? url) => HttpUrls.IsValid(url, 500);
}

/// <summary>What an action carries; each action reads the fields it needs.</summary>
public sealed record CaseActionRequest(
    [property: StringLength(1000)] string? Note = null,
    [property: StringLength(64)] string? Assignee = null,
    int? Satisfaction = null,
    bool? Resolved = null,
    [property: StringLength(1000)] string? Comment = null,
    [property: Range(1, 1440)] int? Hours = null,
    [property: StringLength(40)] string? Into = null,
    IReadOnlyList<string>? Photos = null,
    [property: StringLength(1000)] string? Reason = null);

public sealed record ReporterView(string? Name, string? PhoneMasked);

/// <summary>A camera's detection; <c>count</c> is how many detections the case carries (repeats attach), the last seen at <c>lastDetectedAt</c>.</summary>
public sealed record DetectionView(double Confidence, string SnapshotUrl, string? CameraCode, int? Count = null, DateTimeOffset? LastDetectedAt = null);

public sealed record CaseView(
    string Id,
    CaseState State,
    string GridCode,
    string Category,
    CaseSource Source,
    string Description,
    double? Lat,
    double? Lon,
    string? Address,
    ReporterView? Reporter,
    IReadOnlyList<string> MediaUrls,
    CasePriority Priority,
    DetectionView? Detection,
    DateTimeOffset ReportedAt,
    string? Assignee,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? Deadline,
    bool Warned,
    bool Overdue,
    TerritoryLevel HandledAt,
    string? ProbableDuplicateOf,
    string? MergedInto,
    int? Satisfaction,
    bool? Resolved,
    int? ExtensionRequestedHours,
    int Extensions,
    int Reworks,
    DateTimeOffset? ClosedAt,
    long Version,
    IReadOnlyDictionary<string, JsonElement>? Attributes = null,
    IReadOnlyList<FollowerView>? Followers = null,
    IReadOnlyList<EvidenceView>? Evidence = null,
    string? EvaluationComment = null,
    string? ExtensionReason = null,
    string? ExtensionDeniedReason = null,
    DateTimeOffset? EscalatedAt = null,
    string? PoliceArea = null,
    CasePoliceOfficerView? PoliceOfficer = null,
    bool? FalsePositive = null,
    string? PatrolId = null)
{
    /// <summary>The view of a case; without the reporter's contact for callers that may see no personal data.</summary>
    public static CaseView From(CaseSnapshot c, bool personalData) => new(
        c.Id, c.State, c.GridCode, c.Category, c.Source, c.Description, c.Lat, c.Lon, c.Address,
        personalData && (c.ReporterName ?? c.ReporterPhoneMasked) is not null ? new ReporterView(c.ReporterName, c.ReporterPhoneMasked) : null,
        c.MediaUrls, c.Priority,
        c.Detection is null ? null : new DetectionView(c.Detection.Confidence, c.Detection.SnapshotUrl, c.Detection.CameraCode, c.Detections, c.LastDetectedAt),
        c.ReportedAt, c.Assignee, c.DispatchedAt, c.Deadline, c.Warned, c.Overdue, c.HandledAt, c.ProbableDuplicateOf,
        c.MergedInto, c.Satisfaction, c.ResolvedAsReported,
        c.ExtensionRequested is { } e ? (int)e.TotalHours : null, c.Extensions, c.Reworks, c.ClosedAt, c.Version,
        CaseAttributeValues.ToJson(c.Attributes),
        c.Followers?.Select(f => FollowerView.From(f, personalData)).ToArray() ?? [],
        c.Evidence?.Select(EvidenceView.From).ToArray() ?? [],
        c.EvaluationComment, c.ExtensionReason, c.ExtensionDeniedReason, c.EscalatedAt,
        c.PoliceArea, c.PoliceOfficer is { } o ? new CasePoliceOfficerView(o.Name, o.PhoneMasked) : null, c.FalsePositive, c.PatrolId)
    {
        EnterpriseId = c.EnterpriseId,
    };

    /// <summary>The enterprise the case concerns (<c>GET /api/v1/enterprises/{id}</c>), if the report named one.</summary>
    public string? EnterpriseId { get; init; }
}

/// <summary>The community police officer co-assigned to a public-security case (docs/resources.md, "Police areas").</summary>
public sealed record CasePoliceOfficerView(string Name, string? MaskedPhone);

/// <summary>The reporter of a duplicate merged into the case (name and masked phone for those who may see personal data).</summary>
public sealed record FollowerView(string CaseId, ReporterView? Reporter, DateTimeOffset At)
{
    public static FollowerView From(CaseFollower f, bool personalData) => new(
        f.CaseId, personalData && (f.ReporterName ?? f.ReporterPhoneMasked) is not null ? new ReporterView(f.ReporterName, f.ReporterPhoneMasked) : null, f.At);
}

/// <summary>What a step (resolved, rejected) brought: photo URLs and a note; <c>version</c> is the step's event.</summary>
public sealed record EvidenceView(long Version, string Step, IReadOnlyList<string> Photos, string? Note, string Actor, DateTimeOffset At)
{
    public static EvidenceView From(CaseEvidence e) => new(e.Version, e.Step, e.Photos, e.Note, e.Actor, e.At);
}

public sealed record CaseEventView(
    long Version, string Type, DateTimeOffset At, string Actor, string? Note, CaseState State, string? Assignee, DateTimeOffset? Deadline,
    IReadOnlyList<string>? Photos = null);

public sealed record CaseHistoryView(string Id, IReadOnlyList<CaseEventView> Events);

public sealed record CasePage(IReadOnlyList<CaseView> Items, string? NextCursor);

public sealed record OpenCaseView(string Id, CaseState State, string Category, double? Lat, double? Lon, DateTimeOffset ReportedAt, string? Assignee, DateTimeOffset? Deadline, bool Overdue, long Version);

public sealed record OpenCasesView(string Code, int Total, int Overdue, IReadOnlyDictionary<string, int> ByState, IReadOnlyList<OpenCaseView> Items);

public sealed record CategoryRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: JsonRequired] CategoryClass Class,
    [property: JsonRequired, Range(0.17, 8760)] double TimeLimitHours,
    [property: JsonRequired, Range(0.01, 8760)] double ResponseLimitHours,
    [property: Required, StringLength(100, MinimumLength = 1)] string Department,
    IReadOnlyList<CategoryAttributeRequest>? Attributes = null);

public sealed record CategoryView(
    string Code, string Name, CategoryClass Class, double TimeLimitHours, double ResponseLimitHours, string Department,
    IReadOnlyList<CategoryAttributeRequest> Attributes)
{
    public static CategoryView From(Category c) => new(
        c.Code, c.Name, c.Class, c.TimeLimit.TotalHours, c.ResponseLimit.TotalHours, c.Department,
        c.Questions.Select(CategoryAttributeRequest.From).ToArray());
}

public sealed record CategoryListView(string District, IReadOnlyList<CategoryView> Items);
