using System.Globalization;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using GridGov.Hosting.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.People;

public sealed record MemberImportResult(long Rows, int Created, int Updated, int Unchanged, int Rejected, int Links, IReadOnlyList<ImportRowError> Errors, bool ErrorsTruncated);

/// <summary>
/// Imports Party members from CSV, one row per member, streaming: each member is registered (or updated) and linked
/// to the households it lists (household ids as in the household import, separated by ';'). Bad rows are reported
/// by line; a member whose row is bad is not imported. Re-importing the same file changes nothing.
/// </summary>
public static class MemberImport
{
    private static readonly string[] Columns = ["member_id", "name", "organization_id", "status", "mobile", "joined", "phone", "household_ids"];

    public static Task<Results<Ok<MemberImportResult>, Accepted<ImportJobView>>> ImportAsync(HttpRequest request, IClusterClient cluster, AuthSettings auth, GridGovMetrics metrics, ImportJobs jobs, CancellationToken cancellationToken) =>
        jobs.RunOrQueueAsync(request, "party-members", (body, caller, token) => RunAsync(body, caller, cluster, auth, metrics, token), cancellationToken);

    public static async Task<MemberImportResult> RunAsync(Stream body, CallerContext caller, IClusterClient cluster, AuthSettings auth, GridGovMetrics metrics, CancellationToken cancellationToken)
    {
        var key = auth.PersonalDataKey();
        using var batch = new ImportBatch(cancellationToken);
        var links = 0;
        long rows = 0;

        await foreach (var row in CsvRows.ReadAsync(body, Columns, cancellationToken))
        {
            rows++;
            metrics.ImportRow(ImportKind.Members);
            if (Parse(row, caller.DistrictFilter, key, (field, message) => batch.Error(row.Line, row["member_id"], field, message)) is not var (memberId, profile, households))
            {
                batch.Reject();
                continue;
            }

            await batch.SubmitAsync(row.Line, row["member_id"], "member_id", async () =>
            {
                var registered = await cluster.GetGrain<IMemberRegistrarGrain>(memberId).RegisterAsync(profile, households, caller.Actor);
                batch.Count(registered.Outcome);
                Interlocked.Add(ref links, registered.Links);
                foreach (var refusal in registered.Refused)
                {
                    batch.Error(row.Line, row["member_id"], "household_ids", $"{refusal.HouseholdId}: {refusal.Message}");
                }
            });
        }

        var (errors, truncated) = await batch.FinishAsync();
        return new MemberImportResult(rows, batch.Created, batch.Updated, batch.Unchanged, batch.Rejected, links, errors, truncated);
    }

    private static (string Id, PartyMemberProfile Profile, string[] Households)? Parse(CsvRow row, string? own, byte[] key, Action<string, string> error)
    {
        var ok = true;
        void Bad(string field, string message)
        {
            error(field, message);
            ok = false;
        }

        var organization = row["organization_id"] ?? "";
        if (!PeopleIds.IsValid(organization, "PO"))
        {
            Bad("organization_id", "organization_id is a Party organization id such as 460204-PO1.");
            return null;
        }

        var district = DistrictCode.Of(organization);
        if (own is not null && district != own)
        {
            Bad("organization_id", $"{organization} is outside your district {own}.");
        }

        var memberId = $"{district}-M{row["member_id"]}";
        if (!PeopleIds.IsValid(memberId, "M"))
        {
            Bad("member_id", "member_id is 1 to 32 letters, digits, '-' or '_'.");
        }

        var name = row["name"] ?? "";
        if (name.Length is 0 or > 50)
        {
            Bad("name", "name is 1 to 50 characters.");
        }

        MemberStatus? status = (row["status"] ?? "").ToLowerInvariant() switch
        {
            "full" or "正式" => MemberStatus.Full,
            "probationary" or "预备" => MemberStatus.Probationary,
            _ => null,
        };
        if (status is null)
        {
            Bad("status", "status is full or probationary (正式/预备).");
        }

        bool? mobile = (row["mobile"] ?? "false").ToLowerInvariant() switch { "true" or "yes" or "1" or "是" => true, "false" or "no" or "0" or "否" => false, _ => null };
        if (mobile is null)
        {
            Bad("mobile", "mobile is true or false.");
        }

        if (!DateOnly.TryParseExact(row["joined"] ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var joined))
        {
            Bad("joined", "joined is a date, yyyy-MM-dd.");
        }

        string? phoneHash = null, phoneMasked = null;
        try
        {
            (phoneHash, phoneMasked) = row["phone"] is { } phone ? PersonalNumbers.Phone(key, phone, "phone") : default;
        }
        catch (DomainException e)
        {
            Bad(e.Field!, e.Message);
        }

        var households = new List<string>();
        foreach (var h in (row["household_ids"] ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (HouseholdIds.TryFull(h, district, out var full, out var idError))
            {
                // A local id and the full id of one household are one link.
                if (!households.Contains(full, StringComparer.Ordinal))
                {
                    households.Add(full);
                }
            }
            else
            {
                Bad("household_ids", $"household_ids are household ids (as in the household import) separated by ';': {idError}");
            }
        }

        return ok ? (memberId, new PartyMemberProfile(name, phoneHash, phoneMasked, status!.Value, mobile!.Value, joined, organization, null), households.ToArray()) : null;
    }
}
