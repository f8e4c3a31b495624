using System.Globalization;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Decisions;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Decisions;

/// <summary>
/// Villages and their decisions (四议两公开, docs/party.md): each handler makes one grain call. A refusal by a rule of
/// the procedure is a 409 whose <c>rule</c> member names it (<see cref="RuleFilter"/>).
/// </summary>
public static class DecisionsApi
{
    private const string Rule409 = "A rule of the procedure refused it: a 409 whose rule member names the rule (docs/party.md).";

    public static void MapDecisions(this RouteGroupBuilder api)
    {
        var villages = api.MapGroup("/villages").WithTags("Village decisions").AddEndpointFilter<RuleFilter>();
        villages.MapPut("/{code}", PutVillage).RequireAuthorization(Policies.VillageWrite)
            .WithName("PutVillage").WithSummary("Create or replace a village (a community-level node) with its villagers' committee and cadres sent down")
            .WithDescription("secretaryIsChair: the Party branch secretary is also the committee's chair (then steps 1 and 2 may be held together). Honours If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        villages.MapGet("/{code}", GetVillage).RequireAuthorization(Policies.DecisionRead)
            .WithName("GetVillage").WithSummary("Read a village: committee, cadres sent down, number of decisions")
            .WithDescription("The village's page for staff of its district; the ETag carries its version for If-Match.").ProducesValidationProblem();
        villages.MapPost("/{code}/decisions", OpenDecision).RequireAuthorization(Policies.DecisionWrite)
            .WithName("OpenDecision").WithSummary("Open a decision of the village (a matter to pass the four deliberations and two disclosures)")
            .WithDescription("matter, kind (project, collectiveFunds, land, other), origin, and amount in yuan (required for project and collectiveFunds). 201 with Location /api/v1/decisions/{id}.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        villages.MapGet("/{code}/decisions", ListDecisions).RequireAuthorization(Policies.DecisionRead)
            .WithName("ListVillageDecisions").WithSummary("The village's decisions, newest first (cursor, limit ≤ 50)")
            .WithDescription("Every decision of the village with its steps, minutes and objections, for staff of its district.").ProducesValidationProblem();
        villages.MapGet("/{code}/board", GetBoard).AllowAnonymous()
            .WithName("GetVillageBoard").WithSummary("The village's public notice board: its disclosed decisions, newest first, without a key")
            .WithDescription("No personal data: no minutes of meetings, no names of who recorded a step or objected; a disclosure's notice is shown. Limited per client address by the anonymous rate limit. cursor, limit ≤ 50.")
            .ProducesValidationProblem();

        var decisions = api.MapGroup("/decisions").WithTags("Village decisions").AddEndpointFilter<RuleFilter>();
        decisions.MapGet("/{id}", GetDecision).RequireAuthorization(Policies.DecisionRead)
            .WithName("GetDecision").WithSummary("Read a decision; the ETag carries its version for If-Match")
            .WithDescription("The decision with every round's steps, minutes, attachments and objections (objectors' names included: staff only).").ProducesValidationProblem();
        decisions.MapGet("/{id}/history", GetHistory).RequireAuthorization(Policies.DecisionRead)
            .WithName("GetDecisionHistory").WithSummary("Every transition of a decision")
            .WithDescription("The decision's events in order: version, type, time, actor, note, and the status and next step after each.").ProducesValidationProblem();
        decisions.MapPost("/{id}/steps/{step}", RecordStep).RequireAuthorization(Policies.DecisionWrite)
            .WithName("RecordDecisionStep")
            .WithSummary("Record the next step: proposal, consultation, party-assembly, villagers-assembly, resolution-disclosure, result-disclosure")
            .WithDescription("Honours If-Match. " + Rule409)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        decisions.MapPost("/{id}/objections", FileObjection).RequireAuthorization(Policies.DecisionObject)
            .WithName("FileDecisionObjection").WithSummary("File a resident's objection while a disclosure runs (a resident app's key, or staff)")
            .WithDescription(Rule409)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        decisions.MapPost("/{id}/objections/{number:int}/answer", AnswerObjection).RequireAuthorization(Policies.DecisionWrite)
            .WithName("AnswerDecisionObjection").WithSummary("Answer an objection; the next step waits until every objection is answered")
            .WithDescription("Honours If-Match. " + Rule409)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        decisions.MapPost("/{id}/complete", Complete).RequireAuthorization(Policies.DecisionWrite)
            .WithName("CompleteDecision").WithSummary("Complete the decision once its result disclosure has ended")
            .WithDescription("Honours If-Match. " + Rule409)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    public static async Task<Ok<VillageView>> PutVillage(string code, VillageRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireVillageCode(code, http);
        var upsert = new VillageUpsert(
            request.Name,
            (request.Committee ?? []).Select((m, i) => m ?? throw DomainException.Invalid($"committee[{i}]", "A member is an object with name and post."))
                .Select(m => new CommitteeMember(m.Name, m.Post)).ToArray(),
            request.SecretaryIsChair,
            (request.Cadres ?? []).Select((c, i) => c ?? throw DomainException.Invalid($"cadres[{i}]", "A cadre is an object with name, role, sendingUnit and from."))
                .Select(c => new CadreSentDown(c.Name, c.Role, c.SendingUnit, c.From, c.To) { StaffId = c.StaffId }).ToArray());
        var village = await cluster.GetGrain<IVillageGrain>(code).PutAsync(upsert, ETags.ExpectedVersion(http.Request));
        ETags.Set(http.Response, village.Version);
        return TypedResults.Ok(VillageView.From(village));
    }

    public static async Task<Results<Ok<VillageView>, NotFoundProblem>> GetVillage(string code, HttpContext http, IClusterClient cluster)
    {
        RequireVillageCode(code, http);
        if (await cluster.GetGrain<IVillageGrain>(code).GetAsync() is not { } village)
        {
            return NoSuchVillage(code);
        }

        ETags.Set(http.Response, village.Version);
        return TypedResults.Ok(VillageView.From(village));
    }

    public static async Task<Created<DecisionView>> OpenDecision(string code, DecisionRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireVillageCode(code, http);
        var decision = await cluster.GetGrain<IVillageGrain>(code)
            .OpenDecisionAsync(new NewDecision(request.Matter, request.Kind, request.Amount, request.Origin, http.Caller().Actor));
        ETags.Set(http.Response, decision.Version);
        return TypedResults.Created($"/api/v1/decisions/{decision.Id}", DecisionView.From(decision));
    }

    public static async Task<Results<Ok<DecisionListView>, NotFoundProblem>> ListDecisions(
        string code, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        RequireVillageCode(code, http);
        var take = Paging.Limit(limit, 20, 50);
        if (await cluster.GetGrain<IDecisionBoardGrain>(0).ListAsync(code, Cursor(cursor), take) is not { } page)
        {
            return NoSuchVillage(code);
        }

        return TypedResults.Ok(new DecisionListView(page.Decisions.Select(DecisionView.From).ToArray(), NextCursor(page.Next)));
    }

    public static async Task<Results<Ok<BoardView>, NotFoundProblem>> GetBoard(string code, string? cursor, int? limit, IClusterClient cluster)
    {
        if (!TerritoryCode.IsValid(code) || TerritoryCode.LevelOf(code) != TerritoryLevel.Community)
        {
            throw DomainException.Invalid("code", $"'{code}' is not a village's code (a community-level node, 12 digits).");
        }

        var take = Paging.Limit(limit, 20, 50);
        // The board is public: whoever asks, with a key or without, it is read as nobody in particular.
        CallerContext.Clear();
        if (await cluster.GetGrain<IDecisionBoardGrain>(0).BoardAsync(code, Cursor(cursor), take) is not { } board)
        {
            return NoSuchVillage(code);
        }

        return TypedResults.Ok(new BoardView(board.Village, board.Name, board.Decisions.Select(BoardDecisionView.From).ToArray(), NextCursor(board.Next)));
    }

    public static async Task<Results<Ok<DecisionView>, NotFoundProblem>> GetDecision(string id, HttpContext http, IClusterClient cluster)
    {
        RequireDecisionId(id, http);
        if (await cluster.GetGrain<IDecisionGrain>(id).GetAsync() is not { } decision)
        {
            return NoSuchDecision(id);
        }

        ETags.Set(http.Response, decision.Version);
        return TypedResults.Ok(DecisionView.From(decision));
    }

    public static async Task<Results<Ok<DecisionHistoryView>, NotFoundProblem>> GetHistory(string id, HttpContext http, IClusterClient cluster)
    {
        RequireDecisionId(id, http);
        if (await cluster.GetGrain<IDecisionGrain>(id).GetHistoryAsync() is not { } history)
        {
            return NoSuchDecision(id);
        }

        return TypedResults.Ok(new DecisionHistoryView(id, history.Events
            .Select(e => new DecisionEventView(e.Version, e.Type, e.At, e.Actor, e.Note, e.Decision.Status,
                e.Decision.NextStep is { } n ? DecisionSteps.Name(n) : null))
            .ToArray()));
    }

    public static async Task<Ok<DecisionView>> RecordStep(string id, string step, StepRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireDecisionId(id, http);
        var parsed = DecisionSteps.Parse(step)
            ?? throw DomainException.Invalid("step", $"step is one of {string.Join(", ", DecisionSteps.All)}.");
        var input = new StepInput(
            parsed, request.Date, request.Due, request.Present, request.For, request.Against, request.Abstaining, request.Minutes,
            (request.Attachments ?? []).ToArray(), request.End, request.Together, request.OnFailure, request.Reason, http.Caller().Actor);
        return Answer(http, await cluster.GetGrain<IDecisionGrain>(id).RecordStepAsync(input, ETags.ExpectedVersion(http.Request)));
    }

    public static async Task<Ok<DecisionView>> FileObjection(string id, ObjectionRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireDecisionId(id, http);
        return Answer(http, await cluster.GetGrain<IDecisionGrain>(id).FileObjectionAsync(request.Text, request.Name, http.Caller().Actor));
    }

    public static async Task<Ok<DecisionView>> AnswerObjection(string id, int number, AnswerRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireDecisionId(id, http);
        return Answer(http, await cluster.GetGrain<IDecisionGrain>(id)
            .AnswerObjectionAsync(number, request.Answer, http.Caller().Actor, ETags.ExpectedVersion(http.Request)));
    }

    public static async Task<Ok<DecisionView>> Complete(string id, HttpContext http, IClusterClient cluster)
    {
        RequireDecisionId(id, http);
        return Answer(http, await cluster.GetGrain<IDecisionGrain>(id).CompleteAsync(http.Caller().Actor, ETags.ExpectedVersion(http.Request)));
    }

    /// <summary>An app's key files objections; what it reads back is the board's view, which it may see anyway.</summary>
    private static Ok<DecisionView> Answer(HttpContext http, DecisionSnapshot decision)
    {
        ETags.Set(http.Response, decision.Version);
        return TypedResults.Ok(DecisionView.From(http.Caller().Role == Roles.App ? Redacted(decision) : decision));
    }

    /// <summary>What an app may see of a decision: no minutes, no objectors, nobody who recorded anything.</summary>
    private static DecisionSnapshot Redacted(DecisionSnapshot d) => d with
    {
        Steps = d.Steps.Select(s => s with { Minutes = null, RecordedBy = "" }).ToArray(),
        Objections = d.Objections.Select(o => o with { Name = null, FiledBy = "", Text = "", AnsweredBy = null }).ToArray(),
        CreatedBy = "",
    };

    private static void RequireVillageCode(string code, HttpContext http)
    {
        if (!TerritoryCode.IsValid(code) || TerritoryCode.LevelOf(code) != TerritoryLevel.Community)
        {
            throw DomainException.Invalid("code", $"'{code}' is not a village's code (a community-level node, 12 digits).");
        }

        http.RequireDistrict(DistrictCode.Of(code), $"Village {code}");
    }

    private static void RequireDecisionId(string id, HttpContext http)
    {
        if (!DecisionIds.IsValid(id))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a decision id of the form {{district}}-D{{yyyyMMdd}}{{unique}}.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Decision {id}");
    }

    private static int Cursor(string? cursor) =>
        cursor is null ? 0
        : int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= VillageLimit ? n
        : throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");

    private const int VillageLimit = 1_000_000;

    private static string? NextCursor(int? next) => next?.ToString(CultureInfo.InvariantCulture);

    private static NotFoundProblem NoSuchVillage(string code) => new($"Village {code} does not exist.");

    private static NotFoundProblem NoSuchDecision(string id) => new($"Decision {id} does not exist.");

    /// <summary>A rule of the procedure as a 409 ProblemDetails with a <c>rule</c> member (the audit records the 409).</summary>
    private sealed class RuleFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            try
            {
                return await next(context);
            }
            catch (DecisionRuleException e)
            {
                return TypedResults.Problem(
                    detail: e.Message,
                    statusCode: StatusCodes.Status409Conflict,
                    title: "A rule of the village decision procedure refused the request.",
                    extensions: new Dictionary<string, object?> { ["rule"] = e.Rule });
            }
        }
    }
}
