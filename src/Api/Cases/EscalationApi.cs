using System.Globalization;
using System.Text;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Cases;

/// <summary>One escalated case as its supervisors see it: where it is handled, since when, and how overdue.</summary>
public sealed record EscalatedCaseView(
    string Id,
    CaseState State,
    string Category,
    string GridCode,
    TerritoryLevel Level,
    DateTimeOffset Since,
    DateTimeOffset? Deadline,
    long? OverdueMinutes,
    bool Overdue,
    string? Assignee,
    long Version);

/// <summary>A page of the cases escalated to a node's level within its subtree, longest escalated first.</summary>
public sealed record EscalatedPage(string Territory, TerritoryLevel Level, IReadOnlyList<EscalatedCaseView> Items, string? NextCursor);

public static class EscalationApi
{
    public static void MapEscalation(this RouteGroupBuilder api)
    {
        api.MapGet("/territory/{code}/escalated", ListEscalated)
            .WithTags("Cases")
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("ListEscalatedCases")
            .WithSummary("The open cases escalated to this node's level within its subtree")
            .WithDescription("From the read model, longest escalated first: each case with its level, since (the escalation's time), deadline and overdueMinutes (now − deadline; negative while time is left). A community lists the cases escalated to community level in its grids; a street and a district likewise. Pages with cursor and limit.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<EscalatedPage>> ListEscalated(
        string code, string? cursor, int? limit, HttpContext http, ICaseReadModel readModel, TimeProvider time, CancellationToken cancellationToken)
    {
        // One read-model query: a node that does not exist lists nothing, as the case search does.
        TerritoryApi.RequireCode(code, http);
        var take = Paging.Limit(limit);
        var level = TerritoryCode.LevelOf(code);
        var rows = await readModel.EscalatedAsync(code, level, ParseCursor(cursor), take + 1, cancellationToken);
        var now = time.GetUtcNow();
        var items = rows.Take(take).Select(c => new EscalatedCaseView(
            c.Id, c.State, c.Category, c.GridCode, c.HandledAt, c.EscalatedAt!.Value, c.Deadline,
            c.Deadline is { } deadline ? (long)Math.Floor((now - deadline).TotalMinutes) : null,
            c.Overdue, c.Assignee, c.Version)).ToArray();
        var next = rows.Count > take ? Cursor(rows[take - 1]) : null;
        return TypedResults.Ok(new EscalatedPage(code, level, items, next));
    }

    private static string Cursor(CaseSnapshot c) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.EscalatedAt!.Value.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{c.Id}"));

    private static (DateTimeOffset, string)? ParseCursor(string? cursor)
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
