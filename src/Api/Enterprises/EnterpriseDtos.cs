using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GridGov.Contracts.Enterprises;

namespace GridGov.Api.Enterprises;

/// <summary>The enterprise's contact: the phone is hashed and masked on arrival and never stored whole.</summary>
public sealed record EnterpriseContactRequest(
    [property: StringLength(50)] string? Name = null,
    [property: StringLength(20)] string? Phone = null);

/// <summary>An enterprise as written (PUT). Its grid is not given: the location places it.</summary>
public sealed record EnterpriseRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: Required, StringLength(200, MinimumLength = 1)] string Address,
    [property: JsonRequired] double Lat,
    [property: JsonRequired] double Lon,
    [property: Required, StringLength(50, MinimumLength = 1)] string Industry,
    [property: JsonRequired, Range(0, 10_000_000)] int EmployeeCount,
    [property: StringLength(48)] string? PartyOrganizationId = null,
    EnterpriseContactRequest? Contact = null);

public sealed record EnterpriseContactView(string? Name, string? PhoneMasked);

public sealed record EnterpriseView(
    string Id, string CreditCode, string Name, string Address, double Lat, double Lon, string GridCode, string? MicroGridCode,
    string Industry, int EmployeeCount, string? PartyOrganizationId, EnterpriseContactView? Contact, long Version, DateTimeOffset UpdatedAt)
{
    public static EnterpriseView From(EnterpriseSnapshot e) => new(
        e.Id, e.CreditCode, e.Profile.Name, e.Profile.Address, e.Profile.Lat, e.Profile.Lon, e.GridCode, e.MicroGridCode,
        e.Profile.Industry, e.Profile.EmployeeCount, e.Profile.PartyOrganizationId,
        (e.Profile.ContactName ?? e.Profile.ContactPhoneMasked) is null ? null : new EnterpriseContactView(e.Profile.ContactName, e.Profile.ContactPhoneMasked),
        e.Version, e.UpdatedAt);
}

public sealed record EnterprisePage(IReadOnlyList<EnterpriseView> Items, string? NextCursor);

/// <summary>A bad row of an enterprise import: its line, the credit code it gave, the column and why.</summary>
public sealed record EnterpriseImportError(long Line, string? CreditCode, string Field, string Message);

public sealed record EnterpriseImportResult(long Rows, int Created, int Updated, int Unchanged, int Rejected, IReadOnlyList<EnterpriseImportError> Errors, bool ErrorsTruncated);
