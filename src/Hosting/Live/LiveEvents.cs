using System.Text.Json;
using System.Text.Json.Serialization;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Decisions;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting.Live;

/// <summary>
/// A case event as live feeds and webhooks publish it: its position in the case-event log, the transition, and the
/// case after it — without the reporter's name, phone or description (apps may see no personal data).
/// </summary>
public sealed record LiveCaseEvent(
    long Position,
    Guid EventId,
    string Type,
    string CaseId,
    long Version,
    string Territory,
    DateTimeOffset At,
    string Actor,
    string? Note,
    LiveCase Case,
    IReadOnlyList<CaseSupervisor>? Supervisors = null)
{
    /// <summary>The event as published; an escalation (<c>escalated</c>, or <c>overdue</c> that raised the level) names the supervisors of the level it reached.</summary>
    public static LiveCaseEvent From(long position, CaseEvent e) => new(
        position, e.EventId, e.Type, e.CaseId, e.Version, e.GridCode, e.At, e.Actor, e.Note, LiveCase.From(e.Case), e.Supervisors);
}

/// <summary>A decision event as live feeds and webhooks publish it (<c>event: decision</c> on a feed); no personal data.</summary>
public sealed record LiveDecisionEvent(
    long Position,
    Guid EventId,
    string Type,
    string DecisionId,
    long Version,
    string Territory,
    DateTimeOffset At,
    string Actor,
    string? Note,
    PublicDecision Decision)
{
    public static LiveDecisionEvent From(long position, GridGov.Grains.Decisions.DecisionLogEntry e) => new(
        position, e.EventId, e.Type, e.DecisionId, e.Version, e.Village, e.At, e.Actor, e.Note, e.Decision);
}

/// <summary>The case as it stands after a live event.</summary>
public sealed record LiveCase(
    string Id,
    CaseState State,
    string Category,
    CaseSource Source,
    string GridCode,
    double? Lat,
    double? Lon,
    string? Address,
    CasePriority Priority,
    string? Assignee,
    DateTimeOffset? Deadline,
    bool Warned,
    bool Overdue,
    TerritoryLevel HandledAt,
    DateTimeOffset ReportedAt,
    DateTimeOffset? ClosedAt,
    string? ProbableDuplicateOf,
    string? MergedInto,
    long Version,
    IReadOnlyList<string> FollowerCaseIds)
{
    public static LiveCase From(CaseSnapshot c) => new(
        c.Id, c.State, c.Category, c.Source, c.GridCode, c.Lat, c.Lon, c.Address, c.Priority, c.Assignee, c.Deadline,
        c.Warned, c.Overdue, c.HandledAt, c.ReportedAt, c.ClosedAt, c.ProbableDuplicateOf, c.MergedInto, c.Version,
        // The duplicates merged into the case, by id only (no personal data): an app tells their reporters too.
        c.Followers is { Count: > 0 } followers ? followers.Select(f => f.CaseId).ToArray() : []);
}

/// <summary>
/// One event of the log, read once and shared by every subscriber and delivery: where it belongs, who reported the
/// case (apps see only their own cases), and its published JSON (UTF-8, one line).
/// </summary>
public sealed record LiveEntry(
    long Position, string District, string GridCode, string Type, string ReportedBy, ReadOnlyMemory<byte> Json,
    IReadOnlyList<string>? FollowedBy = null)
{
    /// <summary>
    /// Whether <paramref name="subject"/> reported the case or a duplicate merged into it (an app sees those events).
    /// </summary>
    public bool IsOf(string subject) => ReportedBy == subject || (FollowedBy?.Contains(subject) ?? false);

    /// <summary>Whether the event belongs to <paramref name="territory"/> or a node below it.</summary>
    public bool IsUnder(string territory) => GridCode.StartsWith(territory, StringComparison.Ordinal);
}

/// <summary>The JSON of live events: the API's conventions (camelCase, enums as camelCase strings, ISO-8601 times).</summary>
public static class LiveJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>How the case-event log stores a <see cref="CaseEvent"/>: System.Text.Json's defaults.</summary>
    internal static readonly JsonSerializerOptions Log = new(JsonSerializerDefaults.General);

    /// <summary>Every event type a case records (docs/live.md lists them); a webhook names some of them or <c>*</c>.</summary>
    public static readonly IReadOnlyList<string> EventTypes =
    [
        "reported", "filed", "rejected", "dispatched", "accepted", "returned", "resolved", "verified", "reworked",
        "evaluated", "extension-requested", "extension-approved", "escalated", "merged", "warned", "overdue",
        "merge-received", "extension-denied",
    ];

    public static LiveEntry Entry(long position, string district, CaseEvent e) => new(
        position, district, e.GridCode, e.Type, e.Case.ReportedBy,
        JsonSerializer.SerializeToUtf8Bytes(LiveCaseEvent.From(position, e), Options),
        e.Case.Followers is { Count: > 0 } followers ? followers.Select(f => f.ReportedBy).Distinct(StringComparer.Ordinal).ToArray() : null);

    /// <summary>
    /// A decision event of the log (<see cref="Decisions.DecisionEventLog"/>): reported by nobody, so apps, which see only
    /// what they reported, get none; an unreadable one keeps its position like an unreadable case event.
    /// </summary>
    public static LiveEntry DecisionEntry(long position, string district, string payload)
    {
        GridGov.Grains.Decisions.DecisionLogEntry? e;
        try
        {
            e = JsonSerializer.Deserialize<GridGov.Grains.Decisions.DecisionLogEntry>(payload, Log);
        }
        catch (JsonException)
        {
            e = null;
        }

        return e is null
            ? new LiveEntry(position, district, "", "", "", ReadOnlyMemory<byte>.Empty)
            : new LiveEntry(position, district, e.Village, e.Type, "", JsonSerializer.SerializeToUtf8Bytes(LiveDecisionEvent.From(position, e), Options));
    }

    /// <summary>Whether a webhook's list of types takes <paramref name="type"/>: named, <c>*</c>, or <c>decision.*</c> for a decision's.</summary>
    public static bool Matches(IReadOnlyCollection<string> types, string type) =>
        types.Contains(type) || types.Contains("*")
        || (type.StartsWith(DecisionEvents.Prefix, StringComparison.Ordinal) && types.Contains(DecisionEvents.All));

    /// <summary>Whether a webhook may name <paramref name="type"/>: a case event's, a decision event's, or <c>decision.*</c>.</summary>
    public static bool IsType(string type) =>
        EventTypes.Contains(type) || DecisionEvents.Types.Contains(type) || type == DecisionEvents.All;

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
