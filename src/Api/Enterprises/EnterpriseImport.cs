using System.Globalization;
using GridGov.Api.People;
using GridGov.Contracts.Common;
using GridGov.Contracts.Enterprises;
using GridGov.Contracts.Security;
using GridGov.Hosting.Security;
using GridGov.Hosting.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Enterprises;

/// <summary>
/// Imports a district's enterprises from CSV, one row per enterprise, streaming, through the machinery the People
/// imports use (<see cref="ImportJobs"/> for large files, <see cref="ImportBatch"/> for bounded writes and row errors):
/// each row becomes one <see cref="IEnterpriseGrain.PutAsync"/>; a bad row is reported with its line and column and
/// its enterprise is not written. Re-importing the same file changes nothing.
/// </summary>
public static class EnterpriseImport
{
    private static readonly string[] Columns =
        ["credit_code", "name", "address", "lat", "lon", "industry", "employee_count", "party_organization_id", "contact_name", "contact_phone"];

    /// <summary>The grain names fields as the JSON body does; a row's error names its CSV column.</summary>
    private static readonly Dictionary<string, string> ColumnOf = new(StringComparer.Ordinal)
    {
        ["id"] = "credit_code",
        ["employeeCount"] = "employee_count",
        ["partyOrganizationId"] = "party_organization_id",
        ["contact.name"] = "contact_name",
        ["contact.phone"] = "contact_phone",
    };

    public static Task<Results<Ok<EnterpriseImportResult>, Accepted<ImportJobView>>> ImportAsync(
        string district, HttpRequest request, IClusterClient cluster, AuthSettings auth, GridGovMetrics metrics, ImportJobs jobs, CancellationToken cancellationToken)
    {
        EnterprisesApi.RequireDistrict(district, request.HttpContext);
        return jobs.RunOrQueueAsync(request, "enterprises", (body, caller, token) => RunAsync(district, body, caller, cluster, auth, metrics, token), cancellationToken);
    }

    public static async Task<EnterpriseImportResult> RunAsync(string district, Stream body, CallerContext caller, IClusterClient cluster, AuthSettings auth, GridGovMetrics metrics, CancellationToken cancellationToken)
    {
        var key = auth.PersonalDataKey();
        using var batch = new ImportBatch(cancellationToken);
        long rows = 0;
        await foreach (var row in CsvRows.ReadAsync(body, Columns, cancellationToken))
        {
            rows++;
            metrics.ImportRow(ImportKind.Enterprises);
            var code = row["credit_code"];
            if (Parse(row, key, (field, message) => batch.Error(row.Line, code, field, message)) is not { } profile)
            {
                batch.Reject();
                continue;
            }

            await batch.SubmitAsync(row.Line, code, "credit_code", async () =>
                batch.Count((await cluster.GetGrain<IEnterpriseGrain>(EnterpriseIds.Of(district, code!)).PutAsync(profile, caller.Actor, null)).Outcome));
        }

        var (errors, truncated) = await batch.FinishAsync();
        return new EnterpriseImportResult(
            rows, batch.Created, batch.Updated, batch.Unchanged, batch.Rejected,
            errors.Select(e => new EnterpriseImportError(e.Line, e.HouseholdId, ColumnOf.GetValueOrDefault(e.Field, e.Field), e.Message)).ToArray(),
            truncated);
    }

    /// <summary>The row's profile, or null (its errors reported) when a field is bad; the grain checks the rest (grid, Party organization).</summary>
    private static EnterpriseProfile? Parse(CsvRow row, byte[] key, Action<string, string> error)
    {
        var ok = true;
        void Bad(string field, string message)
        {
            error(field, message);
            ok = false;
        }

        if (CreditCode.Problem(row["credit_code"]) is { } problem)
        {
            Bad("credit_code", problem);
        }

        foreach (var (column, max) in new[] { ("name", 100), ("address", 200), ("industry", 50) })
        {
            if (row[column] is not { Length: > 0 } text || text.Length > max)
            {
                Bad(column, $"{column} is 1 to {max} characters.");
            }
        }

        if (!double.TryParse(row["lat"], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || !double.IsFinite(lat) || lat is < -90 or > 90)
        {
            Bad("lat", "lat is a WGS-84 latitude, -90 to 90.");
        }

        if (!double.TryParse(row["lon"], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || !double.IsFinite(lon) || lon is < -180 or > 180)
        {
            Bad("lon", "lon is a WGS-84 longitude, -180 to 180.");
        }

        if (!int.TryParse(row["employee_count"], NumberStyles.None, CultureInfo.InvariantCulture, out var employees))
        {
            Bad("employee_count", "employee_count is a whole number from 0.");
        }

        if (row["contact_name"] is { Length: > 50 })
        {
            Bad("contact_name", "contact_name is at most 50 characters.");
        }

        string? phoneHash = null, phoneMasked = null;
        try
        {
            (phoneHash, phoneMasked) = row["contact_phone"] is { } phone ? PersonalNumbers.Phone(key, phone, "contact_phone") : default;
        }
        catch (DomainException e)
        {
            Bad(e.Field!, e.Message);
        }

        return ok
            ? new EnterpriseProfile(row["name"]!, row["address"]!, lat, lon, row["industry"]!, employees, row["party_organization_id"], row["contact_name"], phoneHash, phoneMasked)
            : null;
    }
}
