using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using GridGov.Contracts.Points;

namespace GridGov.Api.Points;

/// <summary>A rule as a district administrator writes it; a cap counts per month unless capPeriod says otherwise.</summary>
public sealed record PointRuleRequest(
    [property: Required, StringLength(50, MinimumLength = 1)] string Name,
    [property: JsonRequired] int Points,
    [property: JsonRequired] PointTrigger Trigger,
    [property: JsonRequired] DateOnly EffectiveFrom,
    int? Cap = null,
    PointPeriod CapPeriod = PointPeriod.Month,
    PointAudience AppliesTo = PointAudience.PartyMembers);

public sealed record PointRuleView(
    string Code, int Version, string Name, int Points, PointTrigger Trigger, int? Cap, PointPeriod? CapPeriod,
    PointAudience AppliesTo, DateOnly EffectiveFrom, DateTimeOffset CreatedAt, string CreatedBy)
{
    public static PointRuleView From(PointRule r) => new(
        r.Code, r.Version, r.Rule.Name, r.Rule.Points, r.Rule.Trigger, r.Rule.Cap, r.Rule.CapPeriod, r.Rule.AppliesTo,
        r.Rule.EffectiveFrom, r.CreatedAt, r.CreatedBy);
}

/// <summary>Every rule's latest version (a version effective later than today is the one listed).</summary>
public sealed record PointRuleListView(string District, long Revision, IReadOnlyList<PointRuleView> Items);

/// <summary>A rule's versions, oldest first.</summary>
public sealed record PointRuleVersionsView(string Code, IReadOnlyList<PointRuleView> Versions);

/// <summary>A grant by an administrator: a manual or volunteering rule, for an activity the caller names (the grant's idempotency key).</summary>
public sealed record PointGrantRequest(
    [property: Required, StringLength(32, MinimumLength = 1)] string RuleCode,
    [property: Required, StringLength(64, MinimumLength = 1)] string SourceId,
    [property: JsonRequired] DateOnly Date,
    [property: StringLength(500)] string? Reason = null);

public sealed record PointCorrectionRequest(
    [property: JsonRequired] long Entry,
    [property: Required, StringLength(500, MinimumLength = 1)] string Reason);

public sealed record PointEntryView(
    long Seq, string RuleCode, int RuleVersion, int Points, string Source, string GrantedBy, DateTimeOffset At, DateOnly Day,
    string? Reason, long? Reverses, string? OrganizationId, string? BranchId, string? PartyGridId, string? GridCode)
{
    public static PointEntryView From(PointEntry e) => new(
        e.Seq, e.RuleCode, e.RuleVersion, e.Points, e.Source, e.GrantedBy, e.At, e.Day, e.Reason, e.Reverses,
        e.Scope.OrganizationId, e.Scope.BranchId, e.Scope.PartyGridId, e.Scope.GridCode);
}

/// <summary>What a grant did: granted (a new entry), duplicate (the entry that paid this source before) or capped (nothing).</summary>
public sealed record PointGrantView(GrantOutcome Outcome, PointEntryView? Entry, long Balance)
{
    public static PointGrantView From(PointGrantResult r) => new(r.Outcome, r.Entry is null ? null : PointEntryView.From(r.Entry), r.Balance);
}

public sealed record StatementLineView(PointEntryView Entry, long Balance);

public sealed record PointStatementView(string MemberId, long Balance, IReadOnlyList<StatementLineView> Items, string? NextCursor)
{
    public static PointStatementView From(PointStatement s) => new(
        s.MemberId, s.Balance, s.Lines.Select(l => new StatementLineView(PointEntryView.From(l.Entry), l.Balance)).ToArray(),
        s.NextAfter?.ToString(CultureInfo.InvariantCulture));

    /// <summary>The statement as CSV (RFC 4180), one line per entry with the balance after it.</summary>
    public static string Csv(PointStatement s)
    {
        var csv = new StringBuilder("seq,day,rule_code,rule_version,points,balance,source,granted_by,granted_at,reverses,reason\r\n");
        foreach (var (e, balance) in s.Lines.Select(l => (l.Entry, l.Balance)))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.Seq},{e.Day:yyyy-MM-dd},{Field(e.RuleCode)},{e.RuleVersion},{e.Points},{balance},{Field(e.Source)},{Field(e.GrantedBy)},{e.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{e.Reverses},{Field(e.Reason)}\r\n");
        }

        return csv.ToString();
    }

    /// <summary>Quotes a field that needs it, and defuses one a spreadsheet would run as a formula.</summary>
    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}

public sealed record PointRecountView(string MemberId, long Kept, long Recounted, int Entries, bool Matched);

public sealed record CareVisitRequest(
    [property: Required, StringLength(48, MinimumLength = 1)] string HouseholdId,
    [property: JsonRequired] DateOnly Date,
    [property: StringLength(1000)] string? Note = null);

public sealed record CareVisitView(string Id, string MemberId, string HouseholdId, DateOnly Date, string? Note, string RecordedBy, DateTimeOffset RecordedAt, IReadOnlyList<PointEntryView> Entries);

public sealed record MeetingRequest(
    [property: JsonRequired] DateOnly Date,
    [property: Required, StringLength(200, MinimumLength = 1)] string Topic,
    [property: Required] IReadOnlyList<string> Attendance);

public sealed record MeetingView(string Id, string OrganizationId, DateOnly Date, string Topic, IReadOnlyList<string> Attendance, string RecordedBy, DateTimeOffset RecordedAt, bool Granted)
{
    public static MeetingView From(PartyMeeting m) => new(m.Id, m.OrganizationId, m.Date, m.Topic, m.Attendance, m.RecordedBy, m.RecordedAt, m.Granted);
}

public sealed record MeetingListView(IReadOnlyList<MeetingView> Items);

public sealed record LeaderboardView(string Scope, string Id, string Period, DateOnly From, DateOnly To, IReadOnlyList<LeaderboardRowView> Items, string? NextCursor);

public sealed record LeaderboardRowView(int Rank, string MemberId, long Points, int Entries, string? Name);
