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
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/territory/{code}/ranking", GetRanking)
            .WithTags("Indicators")
            .RequireAuthorization(Policies.IndicatorsRead)
            .WithName("GetRanking")
            .WithSummary("Rank the nodes under a node by an indicator")
            .WithDescription("Ranks the node's children (or, with level, every node of that level under it: the grids of a street, for one) by a gauge, a count over the period or a rate. Nodes without a value (a rate with nothing to divide by) come last.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/territory/{code}/indicators/recount", Recount)
            .WithTags("Indicators")
            .RequireAuthorization(Policies.IndicatorsRecount)
            .WithName("RecountIndicators")
            .WithSummary("Recount a node's indicators from the read model, report drift and repair it")
            .WithDescription("Counts every case under the node from the case read model and compares the result with the live roll-up, key by key. Any difference is reported and repaired by rebuilding the roll-ups of the node and everything below it from the read model; the answer then reports what differs after the repair (nothing, unless cases changed meanwhile).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/districts/{district}/handlers/{staffId}/indicators", GetHandlerIndicators)
            .WithTags("Indicators")
            .RequireAuthorization(Policies.HandlerIndicators)
            .WithName("GetHandlerIndicators")
            .WithSummary("Indicators of one handler (grid worker or department)")
            .WithDescription("The same indicators for the cases now assigned to one handler, counted from the case read model. A grid worker reads only their own.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<IndicatorsView>> GetIndicators(string code, string? from, string? to, HttpContext http, IClusterClient cluster, TimeProvider time)
    {
        await TerritoryApi.RequireNodeAsync(code, http, cluster);
        var (first, last, today) = Period(from, to, time);
        var set = await cluster.GetGrain<IIndicatorsGrain>(code).GetAsync(first, last, today);
        return TypedResults.Ok(IndicatorsView.Of(set));
    }

    public static async Task<Ok<RankingView>> GetRanking(
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

        var node = await TerritoryApi.RequireNodeAsync(code, http, cluster);
        if (wanted is { } w && w <= node.Level)
        {
            throw DomainException.Invalid("level", $"level must be below the node's own level ({JsonNamingPolicy.CamelCase.ConvertName(node.Level.ToString())}).");
        }

        var (first, last, today) = Period(from, to, time);
        var nodes = await NodesAsync(cluster, code, wanted);
        var sets = await Task.WhenAll(nodes.Select(async n => (Node: n, Set: await cluster.GetGrain<IIndicatorsGrain>(n.Code).GetAsync(first, last, today))));
        var ranked = sets
            .Select(s => new RankedNodeView(
                s.Node.Code, s.Node.Name, s.Node.Level, s.Set.Value(indicator),
                s.Set.Current[Metrics.Open], s.Set.Current[Metrics.Overdue], s.Set.Current[Metrics.Warned]))
            .OrderBy(r => r.Value is null)
            .ThenBy(r => descending ? -(r.Value ?? 0) : r.Value ?? 0)
            .ThenBy(r => r.Code, StringComparer.Ordinal)
            .Take(take)
            .ToArray();
        return TypedResults.Ok(new RankingView(code, indicator, Metrics.Format(first), Metrics.Format(last), ranked));
    }

    public static async Task<Ok<RecountView>> Recount(string code, HttpContext http, IClusterClient cluster, ICaseReadModel readModel, CancellationToken cancellationToken)
    {
        await TerritoryApi.RequireNodeAsync(code, http, cluster);
        var grain = cluster.GetGrain<IIndicatorsGrain>(code);
        var (counted, recount) = await CountAsync(readModel.CasesUnderAsync(code, cancellationToken));
        var live = new Tally(await grain.GetTallyAsync());
        var drift = live.Differences(recount.Counts);
        IReadOnlyList<(TallyKey Key, long Mine, long Theirs)> after = [];
        if (drift.Count > 0)
        {
            await grain.RebuildAsync();
            (counted, recount) = await CountAsync(readModel.CasesUnderAsync(code, cancellationToken));
            after = new Tally(await grain.GetTallyAsync()).Differences(recount.Counts);
        }

        return TypedResults.Ok(new RecountView(code, counted, drift.Select(DriftView.From).ToArray(), drift.Count > 0, after.Select(DriftView.From).ToArray()));
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
        var (_, tally) = await CountAsync(readModel.CasesAssignedAsync(district, staffId, cancellationToken));
        return TypedResults.Ok(IndicatorsView.Of(IndicatorSet.Compute($"{district}/{staffId}", tally.Counts, first, last, today)));
    }

    private static async Task<(int Cases, Tally Tally)> CountAsync(IAsyncEnumerable<CaseSnapshot> cases)
    {
        var tally = new Tally();
        var count = 0;
        await foreach (var c in cases)
        {
            tally.Add(Metrics.KeysOf(c), 1);
            count++;
        }

        return (count, tally);
    }

    /// <summary>The node's children, or every node of a level under it, walking the tree level by level.</summary>
    private static async Task<IReadOnlyList<TerritoryChild>> NodesAsync(IClusterClient cluster, string code, TerritoryLevel? level)
    {
        var current = (await cluster.GetGrain<ITerritoryGrain>(code).GetChildrenAsync() ?? []).ToList();
        while (level is { } l && current.Count > 0 && current.Any(c => c.Level < l))
        {
            var next = await Task.WhenAll(current.Select(async c => c.Level >= l
                ? [c]
                : (IEnumerable<TerritoryChild>)(await cluster.GetGrain<ITerritoryGrain>(c.Code).GetChildrenAsync() ?? [])));
            current = next.SelectMany(n => n).ToList();
        }

        return level is { } wanted ? current.Where(c => c.Level == wanted).ToArray() : current;
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
