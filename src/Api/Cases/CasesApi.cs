using System.Globalization;
using System.Text;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Cases;

public static class CasesApi
{
    public static void MapCases(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/cases").WithTags("Cases");

        group.MapPost("/", ReportCase)
            .RequireAuthorization(Policies.CaseReport)
            .HonoursIdempotencyKey()
            .WithName("ReportCase")
            .WithSummary("Report a case")
            .WithDescription("Routes the case to the grid holding lat/lon (or, for staff, to gridCode). Send an Idempotency-Key header to make retries safe: a replay answers the same case. The source must be one the key may report (an app key its kind's source, staff gridPatrol or higherLevel): any other is a 403 naming source.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", ListCases)
            .RequireAuthorization(Policies.CaseList)
            .AuditsPersonalData<CasePage>(p => p.Items.Where(c => c.Reporter is not null).Select(c => $"case:{c.Id}"))
            .WithName("ListCases")
            .WithSummary("Search cases (newest first)")
            .WithDescription("Reads the case read model, filtered by territory (a node and all below it), state, open (any open state), category, overdue, warned (warned and not yet overdue) and report time; pages with cursor and limit. Grid workers see only the cases dispatched to them.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}", GetCase)
            .RequireAuthorization(Policies.CaseRead)
            .DeclaresPersonalData()
            .WithName("GetCase")
            .WithSummary("Read a case")
            .WithDescription("The case as it stands; the ETag header carries its version for If-Match. Apps read only the cases they reported, without the reporter's contact.")
            .ProducesValidationProblem()
            // A read path: its parameters carry no validation attributes (the handler checks the case id), so the
            // validation filter would only cost each request its allocations.
            .DisableValidation();

        group.MapGet("/{id}/history", GetHistory)
            .RequireAuthorization(Policies.CaseRead)
            .AuditsPersonalData<CaseHistoryView>(h => [$"case:{h.Id}"])
            .WithName("GetCaseHistory")
            .WithSummary("Every transition of a case")
            .WithDescription("The case's events in order: version, type, time, actor, note, and the state, assignee and deadline after each.")
            .ProducesValidationProblem();

        foreach (var kind in Enum.GetValues<CaseActionKind>())
        {
            var name = CaseActions.Name(kind);
            group.MapPost($"/{{id}}/{name}", (string id, CaseActionRequest? request, HttpContext http, IClusterClient cluster) =>
                    ActAsync(id, kind, request ?? new CaseActionRequest(), http, cluster))
                .RequireAuthorization(PolicyFor(kind))
                .WithName("Case" + kind)
                .WithSummary(Summary(kind))
                .WithDescription("Takes an optional note; honours If-Match (412 when stale). An action the case's state does not allow is a 409 naming the state and the allowed actions; any action on a merged duplicate is a 409 whose mergedInto names the case to act on.")
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        }

        api.MapGet("/territory/{code}/open-cases", GetOpenCases)
            .WithTags("Cases")
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetOpenCases")
            .WithSummary("The open cases of a node and everything under it, from the grids' live views")
            .WithDescription("Gathers the live views of the node's grids level by level: the open cases with their state, assignee and deadline, and counts by state and overdue.")
            .ProducesValidationProblem();
    }

    public static async Task<Created<CaseView>> ReportCase(CaseRequest request, HttpContext http, IClusterClient cluster)
    {
        var caller = http.Caller();
        HonestSources.Check(caller, request.Source);
        var idempotencyKey = IdempotencyKey(http.Request);
        if (request.GridCode is { } gridCode)
        {
            if (caller.Role == Roles.App)
            {
                throw DomainException.Invalid("gridCode", "Apps route cases by lat and lon; gridCode is for staff.");
            }

            http.RequireDistrict(DistrictCode.Of(gridCode), $"Territory {gridCode}");
        }

        var snapshot = await cluster.GetGrain<ICaseIntakeGrain>(0).ReportAsync(ToNewCase(request, caller), caller.DistrictFilter, idempotencyKey);
        ETags.Set(http.Response, snapshot.Version);
        return TypedResults.Created($"/api/v1/cases/{snapshot.Id}", CaseView.From(snapshot, MaySeePersonalData(caller)));
    }

    /// <summary>The request's Idempotency-Key, if it sent one: checked before anything is asked of the cluster.</summary>
    private static string? IdempotencyKey(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(IdempotencyKeys.Header, out var keys))
        {
            return null;
        }

        var key = keys.ToString().Trim();
        return key.Length is 0 or > 100
            ? throw DomainException.Invalid(IdempotencyKeys.Header, $"The {IdempotencyKeys.Header} header is 1 to 100 characters.")
            : key;
    }

    public static async Task<Results<Ok<CaseView>, NotFoundProblem>> GetCase(string id, HttpContext http, IClusterClient cluster)
    {
        var purpose = PersonalDataReads.Purpose(http.Request, http.Caller());
        var caller = RequireCaseId(id, http);
        if (await cluster.GetGrain<ICaseGrain>(id).GetAsync() is not { } snapshot || !CaseVisibility.Sees(caller, snapshot))
        {
            return NoSuchCase(id);
        }

        // Recorded here rather than by an endpoint filter: the most frequent read runs without the filter pipeline.
        PersonalDataReads.Record(http, caller, purpose, $"case:{snapshot.Id}");
        ETags.Set(http.Response, snapshot.Version);
        return TypedResults.Ok(CaseView.From(snapshot, MaySeePersonalData(caller)));
    }

    public static async Task<Results<Ok<CaseHistoryView>, NotFoundProblem>> GetHistory(string id, HttpContext http, IClusterClient cluster)
    {
        var caller = RequireCaseId(id, http);
        if (await cluster.GetGrain<ICaseGrain>(id).GetHistoryAsync() is not { } history || !CaseVisibility.Sees(caller, history.Case))
        {
            return NoSuchCase(id);
        }

        return TypedResults.Ok(new CaseHistoryView(id, history.Events
            .Select(e => new CaseEventView(
                e.Version, e.Type, e.At, e.Actor, e.Note, e.Case.State, e.Case.Assignee, e.Case.Deadline,
                e.Case.Evidence?.LastOrDefault(x => x.Version == e.Version)?.Photos))
            .ToArray()));
    }

    public static async Task<Ok<CasePage>> ListCases(
        string? territory, string? state, string? category, bool? overdue, bool? warned, bool? open, DateTimeOffset? from, DateTimeOffset? to,
        string? cursor, int? limit, HttpContext http, ICaseReadModel readModel, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        if (territory is not null)
        {
            if (!TerritoryCode.IsValid(territory))
            {
                throw DomainException.Invalid("territory", $"territory is {TerritoryCode.FormatDescription}.");
            }

            http.RequireDistrict(DistrictCode.Of(territory), $"Territory {territory}");
        }

        CaseState? parsedState = null;
        if (state is not null)
        {
            parsedState = Enum.TryParse<CaseState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s)
                ? s
                : throw DomainException.Invalid("state", $"state is one of {string.Join(", ", Enum.GetNames<CaseState>())}.");
        }

        var take = Paging.Limit(limit);
        // Grid workers see only the cases dispatched to them (a worker key without a staff id sees none).
        var assignee = caller.Role == Roles.GridWorker ? caller.StaffId ?? "" : null;
        var query = new CaseQuery(caller.DistrictFilter, territory, parsedState, category, overdue, from, to, ParseCursor(cursor), take + 1, assignee, warned, open);
        var rows = await readModel.QueryAsync(query, cancellationToken);
        var page = rows.Take(take).ToArray();
        var next = rows.Count > take ? Cursor(rows[take - 1]) : null;
        return TypedResults.Ok(new CasePage(page.Select(c => CaseView.From(c, MaySeePersonalData(caller))).ToArray(), next));
    }

    public static async Task<Results<Ok<OpenCasesView>, NotFoundProblem>> GetOpenCases(string code, HttpContext http, IClusterClient cluster)
    {
        TerritoryApi.RequireCode(code, http);
        if (await cluster.GetGrain<IOpenCasesGrain>(code).GetAsync() is not { } open)
        {
            return new NotFoundProblem($"Territory {code} does not exist.");
        }

        return TypedResults.Ok(new OpenCasesView(
            code,
            open.Count,
            open.Count(c => c.Overdue),
            open.GroupBy(c => c.State).ToDictionary(g => g.Key.ToString(), g => g.Count()),
            open.Select(c => new OpenCaseView(c.Id, c.State, c.Category, c.Lat, c.Lon, c.ReportedAt, c.Assignee, c.Deadline, c.Overdue, c.Version)).ToArray()));
    }

    /// <summary>
    /// Acts on a case. The case's grain refuses, as not found, a case the caller (which travels with the call) may not
    /// see; which roles may take which action is the endpoint's policy (<see cref="PolicyFor"/>).
    /// </summary>
    private static async Task<Ok<CaseView>> ActAsync(string id, CaseActionKind kind, CaseActionRequest request, HttpContext http, IClusterClient cluster)
    {
        var caller = RequireCaseId(id, http);
        var action = new CaseAction(
            kind,
            caller.Actor,
            request.Note?.Trim(),
            request.Assignee?.Trim(),
            request.Satisfaction,
            request.Resolved,
            request.Comment?.Trim(),
            request.Hours is { } h ? TimeSpan.FromHours(h) : null,
            request.Into?.Trim(),
            request.Photos?.Select(p => p?.Trim() ?? "").ToArray(),
            request.Reason?.Trim());
        var snapshot = await cluster.GetGrain<ICaseGrain>(id).ActAsync(action, ETags.ExpectedVersion(http.Request));
        ETags.Set(http.Response, snapshot.Version);
        return TypedResults.Ok(CaseView.From(snapshot, MaySeePersonalData(caller)));
    }

    /// <summary>A well-formed case id of the caller's district (another district's case does not exist for it): the caller.</summary>
    private static CallerContext RequireCaseId(string id, HttpContext http)
    {
        if (!CaseIds.IsValid(id))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a case id of the form {{district}}-{{yyyyMMdd}}-{{unique}}.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Case {id}");
        return http.Caller();
    }

    private static NotFoundProblem NoSuchCase(string id) => new($"Case {id} does not exist.");

    /// <summary>The report as the cluster takes it; routing fills in the grid when staff named none (an empty code).</summary>
    private static NewCase ToNewCase(CaseRequest r, CallerContext caller) => new(
        r.Category.Trim(), r.Description.Trim(), r.Source, r.GridCode ?? "", r.Lat, r.Lon, r.Address?.Trim(),
        r.Reporter?.Name?.Trim(), r.Reporter?.Phone is { } phone ? PhoneMasking.Mask(phone) : null, (r.MediaUrls ?? []).ToArray(),
        r.Priority ?? CasePriority.Normal,
        r.Detection is { } d ? new Detection(d.Confidence, d.SnapshotUrl, d.CameraCode) : null,
        caller.Subject,
        CaseAttributeValues.FromJson(r.Attributes))
    {
        EnterpriseId = r.EnterpriseId?.Trim() is { Length: > 0 } enterprise ? enterprise : null,
        PatrolId = r.PatrolId?.Trim(),
    };

    /// <summary>Apps and viewers see no personal data (the reporter's name and masked phone).</summary>
    internal static bool MaySeePersonalData(CallerContext caller) => caller.Role is not (Roles.App or Roles.Viewer);

    private static string PolicyFor(CaseActionKind kind) => kind switch
    {
        CaseActionKind.Accept or CaseActionKind.Return or CaseActionKind.Resolve or CaseActionKind.RequestExtension => Policies.CaseHandle,
        CaseActionKind.Evaluate => Policies.CaseEvaluate,
        _ => Policies.CaseSupervise,
    };

    private static string Summary(CaseActionKind kind) => kind switch
    {
        CaseActionKind.File => "File a reported case (立案)",
        CaseActionKind.Reject => "Reject a reported case as invalid, with photos and a note as evidence; reason falsePositive marks a camera's false detection",
        CaseActionKind.Dispatch => "Dispatch a filed case to a handler (assignee); starts the time limit",
        CaseActionKind.Accept => "Accept a dispatched case (the handler)",
        CaseActionKind.Return => "Return a mis-dispatched case for re-dispatch (退回)",
        CaseActionKind.Resolve => "Report the case handled (处理反馈), with photos and a note as evidence",
        CaseActionKind.Verify => "Verify the handling and close the case (核查结案)",
        CaseActionKind.Rework => "Send a resolved case back for rework (返工)",
        CaseActionKind.Evaluate => "Evaluate a closed case: satisfaction 1–5, resolved, comment",
        CaseActionKind.RequestExtension => "Ask for more time (hours) with a reason (延期)",
        CaseActionKind.ApproveExtension => "Approve the requested extension",
        CaseActionKind.DenyExtension => "Deny the requested extension (reason); the deadline stays",
        CaseActionKind.Escalate => "Escalate one level: community, street, district (上报)",
        CaseActionKind.Merge => "Merge a duplicate into another open case (into)",
        _ => kind.ToString(),
    };

    internal static string Cursor(CaseSnapshot c) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.ReportedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{c.Id}"));

    internal static (DateTimeOffset, string)? ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('|');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && CaseIds.IsValid(parts[1]))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), parts[1]);
            }
        }
        catch (FormatException)
        {
        }

        throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
    }
}
