namespace GridGov.Demo;

// The case API's bodies, as far as this tool writes and reads them (camelCase JSON, enums as camelCase strings).

internal sealed record ReporterBody(string? Name, string? Phone);

internal sealed record DetectionBody(double Confidence, string SnapshotUrl, string? CameraCode);

internal sealed record CaseBody(
    string Category, string Description, string Source, double Lat, double Lon, string? Address, ReporterBody? Reporter, string Priority, DetectionBody? Detection);

internal sealed record CaseView(
    string Id, string State, string GridCode, string Category, string Source, DateTimeOffset ReportedAt, string? Assignee, DateTimeOffset? Deadline,
    bool Warned, bool Overdue, string HandledAt, string? ProbableDuplicateOf, string? MergedInto, int? Satisfaction, int Extensions, int Reworks, long Version);

internal sealed record CaseEventView(long Version, string Type, DateTimeOffset At, string Actor, string State);

internal sealed record CaseHistoryView(string Id, IReadOnlyList<CaseEventView> Events);

internal static class CaseWire
{
    public static CaseBody Body(CasePlan c) => new(
        c.Category, c.Description, c.Source, c.Lat, c.Lon, c.Address,
        c.ReporterName is null && c.ReporterPhone is null ? null : new ReporterBody(c.ReporterName, c.ReporterPhone),
        c.Urgent ? "urgent" : "normal",
        c.Camera is { } camera ? new DetectionBody(camera.Confidence, camera.SnapshotUrl, camera.CameraCode) : null);

    /// <summary>Events the platform writes by itself (the deadline's warning and overdue), not steps of the plan.</summary>
    public static bool IsSystem(CaseEventView e) => e.Type is "warned" or "overdue";
}
