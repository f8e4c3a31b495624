using System.Globalization;
using GridGov.Api.Infrastructure;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Security;

public sealed record AuditEntryView(
    long Id, DateTimeOffset At, string Subject, string Role, string Scope, string? District,
    string Action, string? Entity, int Status, string? RemoteIp, string? TraceId);

public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, string? NextCursor);

public static class AuditApi
{
    public static void MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ReadAudit)
            .WithTags("Audit")
            .RequireAuthorization(Policies.Audit)
            .WithName("ReadAuditLog")
            .WithSummary("Read the audit log, oldest first")
            .WithDescription("Operators read every district (or one, with district=…); a district admin reads their own district.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ReadAudit(string? district, string? cursor, int? limit, HttpContext http, AuditLog audit, CancellationToken cancellationToken)
    {
        if (district is not null && !(TerritoryCode.IsValid(district) && TerritoryCode.LevelOf(district) == TerritoryLevel.District))
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        long? after = null;
        if (cursor is not null)
        {
            after = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
                ? c
                : throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        var own = http.Caller().DistrictFilter;
        if (own is not null && district is not null && district != own)
        {
            // Another district does not exist for a district admin: 404, never 403, so nothing is revealed.
            return Refusals.NotFound($"District {district} does not exist.");
        }

        var take = Paging.Limit(limit);
        var entries = await audit.QueryAsync(own ?? district, after, take + 1, cancellationToken);
        return TypedResults.Ok(new AuditPage(
            entries.Take(take).Select(e => new AuditEntryView(e.Id, e.At, e.Subject, e.Role, e.Scope, e.District, e.Action, e.Entity, e.Status, e.RemoteIp, e.TraceId)).ToArray(),
            entries.Count > take ? entries[take - 1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }
}
