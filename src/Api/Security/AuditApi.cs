using System.Globalization;
using GridGov.Api.Infrastructure;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Security;

public sealed record AuditEntryView(
    long Id, DateTimeOffset At, string Subject, string Role, string Scope, string? District,
    string Action, string? Entity, int Status, string? RemoteIp, string? TraceId,
    string? StaffId = null, string? DataSubject = null, string? Purpose = null);

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
            .WithDescription("Operators read every district (or one, with district=…); a district admin reads their own district. subject=household:{id}, case:{id} or member:{id} keeps the personal-data reads of that data subject (dataSubject), each with the caller and its X-Purpose.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ReadAudit(string? district, string? subject, string? cursor, int? limit, HttpContext http, AuditLog audit, CancellationToken cancellationToken)
    {
        if (subject is not null && !IsDataSubject(subject))
        {
            // The caller's own subject is another field: this filter names whose personal data was read.
            throw DomainException.Invalid("subject", "subject is a data subject: household:{id}, case:{id} or member:{id}.");
        }

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
        var entries = await audit.QueryAsync(own ?? district, after, take + 1, cancellationToken, subject);
        return TypedResults.Ok(new AuditPage(
            entries.Take(take).Select(e => new AuditEntryView(e.Id, e.At, e.Subject, e.Role, e.Scope, e.District, e.Action, e.Entity, e.Status, e.RemoteIp, e.TraceId, e.StaffId, e.DataSubject, e.Purpose)).ToArray(),
            entries.Count > take ? entries[take - 1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }

    private static bool IsDataSubject(string subject) =>
        subject.Length <= 80 && subject.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
        && subject[..colon] is "household" or "case" or "member"
        && subject[(colon + 1)..] is { Length: > 0 } id && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
