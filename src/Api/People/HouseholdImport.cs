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

public sealed record HouseholdImportResult(long Rows, int Created, int Updated, int Unchanged, int Rejected, IReadOnlyList<ImportRowError> Errors, bool ErrorsTruncated);

/// <summary>
/// Imports households from CSV, one row per resident, streaming: rows are read as they arrive and each household is
/// written as soon as its rows are complete (rows of one household must be consecutive), a bounded number at a time.
/// A household is imported whole or not at all; every bad row is reported with its line. Re-importing the same file
/// changes nothing (resident ids are the household id and the row's place in it).
/// </summary>
public static class HouseholdImport
{
    private static readonly string[] Columns =
        ["household_id", "grid_code", "micro_grid_code", "building", "unit", "room", "resident_name", "gender", "birth_year", "relation", "residence_type", "id_number", "phone", "care_tags"];

    private sealed record Row(long Line, string HouseholdId, string GridCode, string? MicroGridCode, string Building, string? Unit, string Room,
        string Name, string Gender, string BirthYear, string Relation, string ResidenceType, string? IdNumber, string? Phone, string? CareTags);

    public static Task<Results<Ok<HouseholdImportResult>, Accepted<ImportJobView>>> ImportAsync(HttpRequest request, IClusterClient cluster, AuthSettings auth, GridGovMetrics metrics, ImportJobs jobs, CancellationToken cancellationToken) =>
        jobs.RunOrQueueAsync(request, "households", (body, caller, token) => RunAsync(body, caller, cluster, auth, metrics, token), cancellationToken);

    public static async Task<HouseholdImportResult> RunAsync(Stream body, CallerContext caller, IClusterClient cluster, AuthSettings auth, GridGovMetrics metrics, CancellationToken cancellationToken)
    {
        var key = auth.PersonalDataKey();
        using var batch = new ImportBatch(cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0;

        // The household grain refuses a grid worker writing into a grid whose staff they are not (reported on the row).
        async Task SubmitAsync(List<Row> group)
        {
            if (Build(group, caller.DistrictFilter, key, batch.Error) is not { } household)
            {
                batch.Reject();
                return;
            }

            await batch.SubmitAsync(group[0].Line, group[0].HouseholdId, "household_id", async () =>
                batch.Count((await cluster.GetGrain<IHouseholdGrain>(household.Id).PutAsync(household.Address, [], household.Residents, caller.Actor, null)).Outcome));
        }

        var groupRows = new List<Row>();
        await foreach (var csvRow in CsvRows.ReadAsync(body, Columns, cancellationToken))
        {
            rows++;
            metrics.ImportRow(ImportKind.Households);
            var row = new Row(
                csvRow.Line, csvRow["household_id"] ?? "", csvRow["grid_code"] ?? "", csvRow["micro_grid_code"], csvRow["building"] ?? "",
                csvRow["unit"], csvRow["room"] ?? "", csvRow["resident_name"] ?? "", csvRow["gender"] ?? "", csvRow["birth_year"] ?? "",
                csvRow["relation"] ?? "", csvRow["residence_type"] ?? "", csvRow["id_number"], csvRow["phone"], csvRow["care_tags"]);
            if (groupRows.Count > 0 && GroupKey(groupRows[0]) != GroupKey(row))
            {
                await SubmitAsync(groupRows);
                groupRows = [];
            }

            if (groupRows.Count == 0 && !seen.Add(GroupKey(row)))
            {
                batch.Error(row.Line, row.HouseholdId, "household_id", $"The rows of household {row.HouseholdId} must be consecutive; this row comes after another household's.");
                continue;
            }

            groupRows.Add(row);
        }

        if (groupRows.Count > 0)
        {
            await SubmitAsync(groupRows);
        }

        var (errors, truncated) = await batch.FinishAsync();
        return new HouseholdImportResult(rows, batch.Created, batch.Updated, batch.Unchanged, batch.Rejected, errors, truncated);
    }

    /// <summary>
    /// Rows of one household are grouped by its full id, so a local id and the full id of the same household are one
    /// household; a row whose id or grid is bad groups by what it says (its errors are reported when it is built).
    /// </summary>
    private static string GroupKey(Row row) =>
        TerritoryCode.IsValid(row.GridCode) && HouseholdIds.TryFull(row.HouseholdId, DistrictCode.Of(row.GridCode), out var full, out _) ? full : row.HouseholdId;

    /// <summary>The household of a group of rows, or null (with the rows' errors reported) when any row is bad.</summary>
    private static (string Id, HouseholdAddress Address, Resident[] Residents)? Build(
        List<Row> group, string? own, byte[] key, Action<long, string?, string, string> error)
    {
        var first = group[0];
        var ok = true;
        void Bad(Row row, string field, string message)
        {
            error(row.Line, row.HouseholdId, field, message);
            ok = false;
        }

        if (!TerritoryCode.IsValid(first.GridCode) || TerritoryCode.LevelOf(first.GridCode) != TerritoryLevel.Grid)
        {
            Bad(first, "grid_code", "grid_code is a 15-digit comprehensive grid code.");
            return null;
        }

        var district = DistrictCode.Of(first.GridCode);
        if (!HouseholdIds.TryFull(first.HouseholdId, district, out var householdId, out var idError))
        {
            Bad(first, "household_id", idError);
            return null;
        }

        var local = HouseholdIds.LocalPart(householdId);
        if (own is not null && district != own)
        {
            Bad(first, "grid_code", $"Grid {first.GridCode} is outside your district {own}.");
        }

        var residents = new List<Resident>();
        var year = DateTime.UtcNow.Year;
        for (var i = 0; i < group.Count; i++)
        {
            var r = group[i];
            if ((r.GridCode, r.MicroGridCode, r.Building, r.Unit, r.Room) != (first.GridCode, first.MicroGridCode, first.Building, first.Unit, first.Room))
            {
                Bad(r, "grid_code", $"Every row of household {r.HouseholdId} has the same grid, micro-grid, building, unit and room.");
            }

            Gender? gender = r.Gender.ToLowerInvariant() switch { "male" or "m" or "男" => Contracts.People.Gender.Male, "female" or "f" or "女" => Contracts.People.Gender.Female, _ => null };
            if (gender is null)
            {
                Bad(r, "gender", "gender is male or female (男/女).");
            }

            if (!int.TryParse(r.BirthYear, NumberStyles.None, CultureInfo.InvariantCulture, out var birthYear) || birthYear < 1900 || birthYear > year)
            {
                Bad(r, "birth_year", $"birth_year is a year from 1900 to {year}.");
            }

            ResidenceType? residence = r.ResidenceType.ToLowerInvariant() switch { "registered" or "常住" => Contracts.People.ResidenceType.Registered, "floating" or "流动" => Contracts.People.ResidenceType.Floating, _ => null };
            if (residence is null)
            {
                Bad(r, "residence_type", "residence_type is registered or floating (常住/流动).");
            }

            if (r.Name.Length is 0 or > 50)
            {
                Bad(r, "resident_name", "resident_name is 1 to 50 characters.");
            }

            if (r.Relation.Length is 0 or > 20)
            {
                Bad(r, "relation", "relation is 1 to 20 characters.");
            }

            string? idHash = null, idMasked = null, phoneHash = null, phoneMasked = null;
            try
            {
                (idHash, idMasked) = r.IdNumber is { } number ? PersonalNumbers.IdNumber(key, number, "id_number") : default;
                (phoneHash, phoneMasked) = r.Phone is { } phone ? PersonalNumbers.Phone(key, phone, "phone") : default;
            }
            catch (DomainException e)
            {
                Bad(r, e.Field!, e.Message);
            }

            var tags = (r.CareTags ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (ok)
            {
                residents.Add(new Resident($"{district}-R{local}-{i + 1}", r.Name, gender!.Value, birthYear, r.Relation, residence!.Value, idHash, idMasked, phoneHash, phoneMasked, tags));
            }
        }

        return ok ? (householdId, new HouseholdAddress(first.GridCode, first.MicroGridCode, first.Building, first.Unit, first.Room), residents.ToArray()) : null;
    }
}
