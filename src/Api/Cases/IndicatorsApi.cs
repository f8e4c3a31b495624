using System.Globalization;
using System.Text.Json;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Cases;

/// <summary>Indicator roll-ups (综合评价) per territory node and per handler, rankings, and the exact recount.</summary>
public static class IndicatorsApi
{
    private const int MaxRanked = 1000;

    /// <summary>The longest period one query may cover.</summary>
    private const int MaxPeriodDays = 366 * 5;

    public static void MapIndicators(this RouteGroupBuilder api)
    {
        api.MapGet("/territory/{code}/indicators", GetIndicators)
            .WithTags("Indicators")
            .RequireAuthorization(Policies.IndicatorsRead)
            .WithName("GetIndicators")
            .WithSummary("Indicators of a node and everything under it")
            .WithDescription("Open, overdue and warned cases now; counts and the rates of the evaluation (closure, on-time closure, rework, extension, response, resolution, satisfaction) over the period from–to (dates, China Standard Time, inclusive; default: this month), today and this month; by category and by source. Read from the live roll-up, which reflects a case event within about a second.")
            .ProducesValidationProblem();

        api.MapGet("/territory/{code}/ranking", GetRanking)
            .WithTags("Indicators")
            .RequireAuthorization(Policies.IndicatorsRead)
            .WithName("GetRanking")
            .WithSummary("Rank the nodes under a node by an indicator")
            .WithDescription("Ranks the node's children (or, with level, every node of that level under it: the grids of a street, for one) by a gauge, a count over the period or a rate. Nodes without a value (a rate with nothing to divide by) come last.")
            .RequiresQuery("indicator")
            .ProducesValidationProblem();

        api.MapPost("/territory/{code}/indicators/recount", Recount)
            .WithTags("Indicators")
            .RequireAuthorization(Policies.IndicatorsRecount)
            .WithName("RecountIndicators")
            .WithSummary("Recount a node's indicators from the read model, report drift and repair it")
            .WithDescription("Counts every case under the node from the case read model and compares the result with the live roll-up, key by key. Any difference is reported and repaired by rebuilding the roll-ups of the node and everything below it from the read model; the answer then reports what differs after the repair (nothing, unless cases changed meanwhile).")
            .ProducesValidationProblem();

        api.MapGet("/districts/{district}/handlers/{staffId}/indicators", GetHandlerIndicators)
            .WithTags("Indicators")
            .RequireAuthorization(Policies.HandlerIndicators)
            .WithName("GetHandlerIndicators")
            .WithSummary("Indicators of one handler (grid worker or department)")
            .WithDescription("The same indicators for the cases now assigned to one handler, counted from the case read model. A grid worker reads only their own.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<IndicatorsView>, NotFoundProblem>> GetIndicators(
        string code, string? from, string? to, HttpContext http, IClusterClient cluster, TimeProvider time)
    {
        TerritoryApi.RequireCode(code, http);
        var (first, last, today) = Period(from, to, time);
        return await cluster.GetGrain<IIndicatorQueryGrain>(code).GetAsync(first, last, today) is { } set
            ? TypedResults.Ok(IndicatorsView.Of(set))
            : TerritoryApi.NoSuchNode(code);
    }

    public static async Task<Results<Ok<RankingView>, NotFoundProblem>> GetRanking(
        string code, string? indicator, string? level, string? from, string? to, string? order, int? limit,
        HttpContext http, IClusterClient cluster, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(indicator) || !Metrics.All.Contains(indicator))
        {
            throw DomainException.Invalid("indicator", $"indicator is one of {string.Join(", ", Metrics.All.Order(StringComparer.Ordinal))}.");
        }

        var descending = order switch
        {
            null or "desc" => true,
            "asc" => false,
            _ => throw DomainException.Invalid("order", "order is asc or desc."),
        };
        var take = Paging.Limit(limit, Paging.DefaultLimit, MaxRanked);

        TerritoryLevel? wanted = null;
        if (level is not null)
        {
            wanted = Enum.TryParse<TerritoryLevel>(level, ignoreCase: true, out var l) && Enum.IsDefined(l)
                ? l
                : throw DomainException.Invalid("level", $"level is one of {string.Join(", ", Enum.GetNames<TerritoryLevel>().Select(JsonNamingPolicy.CamelCase.ConvertName))}.");
        }

        TerritoryApi.RequireCode(code, http);
        var (first, last, today) = Period(from, to, time);
        if (await cluster.GetGrain<IIndicatorQueryGrain>(code).GetNodesAsync(wanted, first, last, today) is not { } nodes)
        {
            return TerritoryApi.NoSuchNode(code);
        }

        var ranked = nodes
            .Select(n => new RankedNodeView(
                n.Node.Code, n.Node.Name, n.Node.Level, n.Set.Value(indicator),
                n.Set.Current[Metrics.Open], n.Set.Current[Metrics.Overdue], n.Set.Current[Metrics.Warned]))
            .OrderBy(r => r.Value is null)
            .ThenBy(r => descending ? -(r.Value ?? 0) : r.Value ?? 0)
            .ThenBy(r => r.Code, StringComparer.Ordinal)
            .Take(take)
            .ToArray();
        return TypedResults.Ok(new RankingView(code, indicator, Metrics.Format(first), Metrics.Format(last), ranked));
    }

    public static async Task<Results<Ok<RecountView>, NotFoundProblem>> Recount(string code, HttpContext http, IClusterClient cluster)
    {
        TerritoryApi.RequireCode(code, http);
        if (await cluster.GetGrain<IIndicatorQueryGrain>(code).RecountAsync() is not { } recount)
        {
            return TerritoryApi.NoSuchNode(code);
        }

        return TypedResults.Ok(new RecountView(
            code, recount.CasesCounted, recount.Drift.Select(DriftView.From).ToArray(), recount.Repaired, recount.DriftAfterRepair.Select(DriftView.From).ToArray()));
    }

    public static async Task<Ok<IndicatorsView>> GetHandlerIndicators(
        string district, string staffId, string? from, string? to, HttpContext http, ICaseReadModel readModel, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a six-digit district code.");
        }

        if (string.IsNullOrWhiteSpace(staffId) || staffId.Length > 100)
        {
            throw DomainException.Invalid("staffId", "staffId is 1 to 100 characters.");
        }

        http.RequireDistrict(district, $"District {district}");
        var caller = http.Caller();
        if (caller.Role == Roles.GridWorker && caller.StaffId != staffId)
        {
            throw DomainException.Forbidden("A grid worker reads only their own indicators.");
        }

        var (first, last, today) = Period(from, to, time);
        var tally = new Tally();
        await foreach (var c in readModel.CasesAssignedAsync(district, staffId, cancellationToken))
        {
            tally.Add(Metrics.KeysOf(c), 1);
        }

        return TypedResults.Ok(IndicatorsView.Of(IndicatorSet.Compute($"{district}/{staffId}", tally.Counts, first, last, today)));
    }

    /// <summary>The period's first and last day and today, yyyyMMdd in China Standard Time; this month by default.</summary>
    private static (int From, int To, int Today) Period(string? from, string? to, TimeProvider time)
    {
        var today = Metrics.DayOf(time.GetUtcNow());
        var first = from is null ? (today / 100 * 100) + 1 : Metrics.DayOf(ParseDate("from", from));
        var last = to is null ? today : Metrics.DayOf(ParseDate("to", to));
        if (last < first)
        {
            throw DomainException.Invalid("to", "to is on or after from.");
        }

        if (Metrics.DateOf(last).DayNumber - Metrics.DateOf(first).DayNumber > MaxPeriodDays)
        {
            throw DomainException.Invalid("from", $"A period covers at most {MaxPeriodDays} days.");
        }

        return (first, last, today);
    }

    private static DateOnly ParseDate(string name, string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= 2000
            ? date
            : throw DomainException.Invalid(name, $"{name} is a date, yyyy-MM-dd.");
}
