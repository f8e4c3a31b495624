using System.Globalization;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Points;

/// <summary>Party grid + points (党建网格+积分): rules, ledgers, visits, meetings and leaderboards (docs/party.md, "Points").</summary>
public static class PointsApi
{
    public static void MapPoints(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/districts/{district}/point-rules").WithTags("Points");
        rules.MapGet("/", ListRules).RequireAuthorization(Policies.PointsRead)
            .WithName("ListPointRules").WithSummary("The district's point rules, each at its latest version")
            .WithDescription("A rule names its trigger (caseClosedOnTime, caseEvaluatedSatisfied, careVisit, volunteering, meetingAttended, manual), its points (negative ones deduct), an optional cap per member per month, quarter or year, who it applies to and the date it is effective from.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapGet("/{code}", GetRule).RequireAuthorization(Policies.PointsRead)
            .WithName("GetPointRule").WithSummary("Every version of a point rule")
            .WithDescription("Versions oldest first; each is in force from its effectiveFrom until a later version's. Ledger entries name the version they were granted under.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapPut("/{code}", PutRule).RequireAuthorization(Policies.PointsManage)
            .WithName("PutPointRule").WithSummary("Write a new version of a point rule")
            .WithDescription("A change is a new version effective from its date (on or after the previous version's); past entries keep the version they were granted under. A rule keeps its trigger (409 otherwise). Writing the latest version unchanged writes nothing.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var ledger = api.MapGroup("/party-members/{id}").WithTags("Points");
        ledger.MapGet("/points", GetStatement).RequireAuthorization(Policies.PointsRead)
            .WithName("GetPointStatement").WithSummary("A member's points statement")
            .WithDescription("Entries oldest first, each with the balance after it; pages with cursor and limit. format=csv (or Accept: text/csv) answers the whole statement as CSV.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        ledger.MapPost("/points/grants", Grant).RequireAuthorization(Policies.PointsManage)
            .WithName("GrantPoints").WithSummary("Grant (or deduct) points by a manual or volunteering rule")
            .WithDescription("sourceId names the activity (the source is manual:{sourceId}): the same rule never pays the same source twice, so a retried grant answers the first one's entry (outcome duplicate, 200). A manual rule needs a reason. A rule with a cap pays what room is left in the period; a full cap answers outcome capped and writes nothing.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        ledger.MapPost("/points/corrections", Correct).RequireAuthorization(Policies.PointsManage)
            .WithName("CorrectPoints").WithSummary("Reverse a ledger entry")
            .WithDescription("A correction is a new entry with the opposite points, the reason and the entry it reverses; the entry itself never changes. An entry is reversed once (409 after).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        ledger.MapPost("/points/recount", Recount).RequireAuthorization(Policies.PointsManage)
            .WithName("RecountPoints").WithSummary("Rebuild a member's balance from the ledger's entries")
            .WithDescription("Answers the balance kept and the one summed from the entries (repairing the kept one if they differ), and writes any entry the leaderboards lack.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        ledger.MapPost("/visits", Visit).RequireAuthorization(Policies.PartyWrite)
            .WithName("RecordCareVisit").WithSummary("Record a care visit (入户走访) to a linked household")
            .WithDescription("The household must be one the member keeps in touch with (党员联系户), else 409 naming householdId. The visit pays the district's careVisit rules in force on its date.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var organizations = api.MapGroup("/party-organizations/{id}").WithTags("Points");
        organizations.MapPost("/meetings", RecordMeeting).RequireAuthorization(Policies.PartyWrite)
            .WithName("RecordPartyMeeting").WithSummary("Record a branch meeting and its attendance")
            .WithDescription("Every attendee must be a member of the organization (409 naming attendance[i] otherwise); each is paid the meetingAttended rules in force on the meeting's date.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organizations.MapGet("/meetings", ListMeetings).RequireAuthorization(Policies.PartyRead)
            .WithName("ListPartyMeetings").WithSummary("An organization's meetings")
            .WithDescription("Oldest first, with attendance.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        organizations.MapGet("/points-leaderboard", (string id, string? period, string? cursor, int? limit, HttpContext http, IPointsReadModel readModel, TimeProvider time, CancellationToken ct) =>
            Leaderboard(LeaderboardScope.Branch, id, period, cursor, limit, http, readModel, time, ct)).RequireAuthorization(Policies.PointsRead)
            .WithName("GetBranchPointsLeaderboard").WithSummary("A branch's members by points for a month, quarter or year")
            .WithDescription(LeaderboardDescription)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<LeaderboardView>(p => p.Items.Select(r => $"member:{r.MemberId}"));
        api.MapGet("/party-grids/{id}/points-leaderboard", (string id, string? period, string? cursor, int? limit, HttpContext http, IPointsReadModel readModel, TimeProvider time, CancellationToken ct) =>
            Leaderboard(LeaderboardScope.PartyGrid, id, period, cursor, limit, http, readModel, time, ct)).RequireAuthorization(Policies.PointsRead)
            .WithTags("Points").WithName("GetPartyGridPointsLeaderboard").WithSummary("A Party-building grid's members by points")
            .WithDescription(LeaderboardDescription)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<LeaderboardView>(p => p.Items.Select(r => $"member:{r.MemberId}"));
        api.MapGet("/territory/{code}/points-leaderboard", (string code, string? period, string? cursor, int? limit, HttpContext http, IPointsReadModel readModel, TimeProvider time, CancellationToken ct) =>
            Leaderboard(LeaderboardScope.Grid, code, period, cursor, limit, http, readModel, time, ct)).RequireAuthorization(Policies.PointsRead)
            .WithTags("Points").WithName("GetGridPointsLeaderboard").WithSummary("A grid's members by points")
            .WithDescription(LeaderboardDescription)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<LeaderboardView>(p => p.Items.Select(r => $"member:{r.MemberId}"));
    }

    private const string LeaderboardDescription =
        "period is a year (2026), a quarter (2026-Q1) or a month (2026-03); the current month when absent. Points are summed from the leaderboards' table (never by activating every member) over the entries' days; ties are ordered by member id. Each row names the member as their record has it now. Pages with cursor and limit.";

    public static async Task<Ok<PointRuleListView>> ListRules(string district, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var set = await cluster.GetGrain<IPointRulesGrain>(district).GetAsync();
        var latest = set.Rules.GroupBy(r => r.Code).Select(g => g.MaxBy(r => r.Version)!).OrderBy(r => r.Code, StringComparer.Ordinal);
        return TypedResults.Ok(new PointRuleListView(district, set.Revision, latest.Select(PointRuleView.From).ToArray()));
    }

    public static async Task<Ok<PointRuleVersionsView>> GetRule(string district, string code, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var set = await cluster.GetGrain<IPointRulesGrain>(district).GetAsync();
        var versions = set.Rules.Where(r => r.Code == code).OrderBy(r => r.Version).Select(PointRuleView.From).ToArray();
        return versions.Length == 0
            ? throw DomainException.NotFound($"Point rule {code} does not exist in district {district}.")
            : TypedResults.Ok(new PointRuleVersionsView(code, versions));
    }

    public static async Task<Ok<PointRuleView>> PutRule(string district, string code, PointRuleRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var draft = new PointRuleDraft(request.Name.Trim(), request.Points, request.Trigger, request.Cap, request.Cap is null ? null : request.CapPeriod, request.AppliesTo, request.EffectiveFrom);
        return TypedResults.Ok(PointRuleView.From(await cluster.GetGrain<IPointRulesGrain>(district).PutAsync(code, draft, http.Caller().Actor)));
    }

    public static async Task<Results<Ok<PointStatementView>, ContentHttpResult>> GetStatement(
        string id, string? cursor, int? limit, string? format, HttpContext http, IClusterClient cluster)
    {
        RequireMember(id, http);
        var csv = format == "csv" || (format is null && http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        if (format is not (null or "csv" or "json"))
        {
            throw DomainException.Invalid("format", "format is json or csv.");
        }

        long? after = cursor is null ? null
            : long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq
            : throw DomainException.Invalid("cursor", "cursor is the nextCursor of the previous page.");
        var statement = await cluster.GetGrain<IPointsLedgerGrain>(id).StatementAsync(csv ? null : after, csv ? int.MaxValue : Paging.Limit(limit));
        return csv
            ? TypedResults.Text(PointStatementView.Csv(statement), "text/csv; charset=utf-8")
            : TypedResults.Ok(PointStatementView.From(statement));
    }

    public static async Task<Results<Created<PointGrantView>, Ok<PointGrantView>>> Grant(string id, PointGrantRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireMember(id, http);
        var result = await cluster.GetGrain<IPointsLedgerGrain>(id).GrantAsync(new PointGrant(
            request.RuleCode.Trim(), PointTrigger.Manual, $"manual:{request.SourceId.Trim()}", request.Date,
            http.Caller().Actor, request.Reason, null));
        var view = PointGrantView.From(result);
        return result.Outcome == GrantOutcome.Granted ? TypedResults.Created($"/api/v1/party-members/{id}/points", view) : TypedResults.Ok(view);
    }

    public static async Task<Created<PointGrantView>> Correct(string id, PointCorrectionRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireMember(id, http);
        var result = await cluster.GetGrain<IPointsLedgerGrain>(id).CorrectAsync(request.Entry, request.Reason, http.Caller().Actor);
        return TypedResults.Created($"/api/v1/party-members/{id}/points", PointGrantView.From(result));
    }

    public static async Task<Ok<PointRecountView>> Recount(string id, HttpContext http, IClusterClient cluster)
    {
        RequireMember(id, http);
        var recount = await cluster.GetGrain<IPointsLedgerGrain>(id).RecountAsync();
        return TypedResults.Ok(new PointRecountView(recount.MemberId, recount.Kept, recount.Recounted, recount.Entries, recount.Kept == recount.Recounted));
    }

    public static async Task<Created<CareVisitView>> Visit(string id, CareVisitRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireMember(id, http);
        var household = request.HouseholdId.Trim();
        if (!PeopleIds.IsValid(household, "H") || DistrictCode.Of(household) != DistrictCode.Of(id))
        {
            throw DomainException.Invalid("householdId", $"'{household}' is not a household id of the member's district.");
        }

        var result = await cluster.GetGrain<IPointsLedgerGrain>(id).VisitAsync(household, request.Date, request.Note, http.Caller().Actor);
        var v = result.Visit;
        return TypedResults.Created(
            $"/api/v1/party-members/{id}/points",
            new CareVisitView(v.Id, v.MemberId, v.HouseholdId, v.Date, v.Note, v.RecordedBy, v.RecordedAt, result.Entries.Select(PointEntryView.From).ToArray()));
    }

    public static async Task<Created<MeetingView>> RecordMeeting(string id, MeetingRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireOrganization(id, http);
        for (var i = 0; i < request.Attendance.Count; i++)
        {
            if (request.Attendance[i] is null)
            {
                throw DomainException.Invalid($"attendance[{i}]", "An attendee is a Party member id.");
            }
        }

        var meeting = await cluster.GetGrain<IPartyMeetingsGrain>(id).RecordAsync(request.Date, request.Topic, request.Attendance.Select(a => a.Trim()).ToArray(), http.Caller().Actor);
        return TypedResults.Created($"/api/v1/party-organizations/{id}/meetings", MeetingView.From(meeting));
    }

    public static async Task<Ok<MeetingListView>> ListMeetings(string id, HttpContext http, IClusterClient cluster)
    {
        RequireOrganization(id, http);
        var meetings = await cluster.GetGrain<IPartyMeetingsGrain>(id).ListAsync();
        return TypedResults.Ok(new MeetingListView(meetings.Select(MeetingView.From).ToArray()));
    }

    /// <summary>One read-model query: the scope's entries summed per member over the period.</summary>
    public static async Task<Ok<LeaderboardView>> Leaderboard(
        LeaderboardScope scope, string id, string? period, string? cursor, int? limit, HttpContext http, IPointsReadModel readModel, TimeProvider time, CancellationToken cancellationToken)
    {
        switch (scope)
        {
            case LeaderboardScope.Grid:
                TerritoryApi.RequireCode(id, http);
                break;
            case LeaderboardScope.PartyGrid when !PartyGridId.IsValid(id):
                throw DomainException.Invalid("id", $"'{id}' is not a Party-building grid id of the form {{district}}-PG{{n}}.");
            case LeaderboardScope.Branch:
                RequireOrganization(id, http);
                break;
        }

        http.RequireDistrict(DistrictCode.Of(id), $"{scope} {id}");
        period ??= PointPeriods.DayOf(time.GetUtcNow()).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (!PointPeriods.TryParse(period, out var range))
        {
            throw DomainException.Invalid("period", "period is a year (2026), a quarter (2026-Q1) or a month (2026-03).");
        }

        var offset = cursor is null ? 0
            : int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o
            : throw DomainException.Invalid("cursor", "cursor is the nextCursor of the previous page.");
        var take = Paging.Limit(limit);
        var rows = await readModel.LeaderboardAsync(DistrictCode.Of(id), scope, id, range.From, range.To, offset, take + 1, cancellationToken);
        var name = scope switch { LeaderboardScope.Grid => "grid", LeaderboardScope.PartyGrid => "partyGrid", _ => "branch" };
        return TypedResults.Ok(new LeaderboardView(
            name, id, period, Metrics.DateOf(range.From), Metrics.DateOf(range.To),
            rows.Take(take).Select(r => new LeaderboardRowView(r.Rank, r.MemberId, r.Points, r.Entries, r.Name)).ToArray(),
            rows.Count > take ? (offset + take).ToString(CultureInfo.InvariantCulture) : null));
    }

    private static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }

    private static void RequireMember(string id, HttpContext http)
    {
        if (!PeopleIds.IsValid(id, "M"))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a Party member id of the form {{district}}-M{{id}}.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Party member {id}");
    }

    private static void RequireOrganization(string id, HttpContext http)
    {
        if (!PeopleIds.IsValid(id, "PO"))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a Party organization id of the form {{district}}-PO{{n}}.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Party organization {id}");
    }
}
