using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GridGov.Contracts.People;

namespace GridGov.Api.People;

/// <summary>A resident as written. The identity number and phone are hashed and masked on arrival and never stored whole.</summary>
public sealed record ResidentRequest(
    [property: Required, StringLength(40, MinimumLength = 1)] string Id,
    [property: Required, StringLength(50, MinimumLength = 1)] string Name,
    [property: JsonRequired] Gender Gender,
    [property: JsonRequired] int BirthYear,
    [property: Required, StringLength(20, MinimumLength = 1)] string Relation,
    [property: JsonRequired] ResidenceType ResidenceType,
    [property: StringLength(18)] string? IdNumber = null,
    [property: StringLength(20)] string? Phone = null,
    IReadOnlyList<string>? CareTags = null);

public sealed record HouseholdRequest(
    [property: Required, StringLength(15, MinimumLength = 15)] string GridCode,
    [property: Required, StringLength(32, MinimumLength = 1)] string Building,
    [property: Required, StringLength(16, MinimumLength = 1)] string Room,
    [property: StringLength(17, MinimumLength = 17)] string? MicroGridCode = null,
    [property: StringLength(16)] string? Unit = null,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyList<ResidentRequest>? Residents = null);

public sealed record ResidentView(string Id, string Name, Gender Gender, int BirthYear, string Relation, ResidenceType ResidenceType, string? IdNumberMasked, string? PhoneMasked, IReadOnlyList<string> CareTags);

public sealed record ChangeView(DateTimeOffset At, string Actor, string What, string? From, string? To);

public sealed record HouseholdView(
    string Id, string GridCode, string? MicroGridCode, string Building, string? Unit, string Room, IReadOnlyList<string> Tags,
    IReadOnlyList<ResidentView> Residents, string? LinkedMemberId, IReadOnlyList<ChangeView> History, long Version)
{
    public static HouseholdView From(HouseholdSnapshot h) => new(
        h.Id, h.Address.GridCode, h.Address.MicroGridCode, h.Address.Building, h.Address.Unit, h.Address.Room, h.Tags,
        h.Residents.Select(r => new ResidentView(r.Id, r.Name, r.Gender, r.BirthYear, r.Relation, r.ResidenceType, r.IdNumberMasked, r.PhoneMasked, r.CareTags)).ToArray(),
        h.LinkedMemberId, h.History.Select(c => new ChangeView(c.At, c.Actor, c.What, c.From, c.To)).ToArray(), h.Version);
}

public sealed record HouseholdPage(IReadOnlyList<HouseholdView> Items, string? NextCursor);

public sealed record MemberLinkRequest([property: Required, StringLength(40, MinimumLength = 1)] string MemberId);

public sealed record ResidentMoveRequest([property: Required, StringLength(40, MinimumLength = 1)] string ToHousehold);

/// <summary>An identity number to find; a number without a correct GB 11643 check digit is refused before any query.</summary>
public sealed record ResidentSearchRequest(
    [property: Required, StringLength(18, MinimumLength = 18)] string IdNumber,
    [property: StringLength(6, MinimumLength = 6)] string? District = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IdNumber is not null && !PersonalData.IsValidIdNumber(IdNumber.Trim()))
        {
            yield return new ValidationResult("The identity number is not valid (18 characters with a GB 11643 check digit).", [nameof(IdNumber)]);
        }
    }
}

public sealed record HouseholdMatchView(IReadOnlyList<string> HouseholdIds);

public sealed record PartyOrganizationRequest(
    [property: JsonRequired] OrganizationKind Kind,
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: StringLength(40)] string? ParentId = null,
    [property: StringLength(20)] string? PartyGridId = null,
    [property: StringLength(15)] string? GridCode = null);

public sealed record PartyOrganizationView(
    string Id, OrganizationKind Kind, string Name, string? ParentId, string? PartyGridId, string? GridCode, IReadOnlyList<string> Children,
    IReadOnlyList<string> Members, long Version)
{
    public static PartyOrganizationView From(PartyOrganizationSnapshot o) => new(o.Id, o.Kind, o.Name, o.ParentId, o.PartyGridId, o.GridCode, o.Children, o.Members ?? [], o.Version);
}

public sealed record PartyOrganizationPage(IReadOnlyList<PartyOrganizationView> Items);

public sealed record PartyMemberPage(IReadOnlyList<PartyMemberView> Items, string? NextCursor);

public sealed record PartyMemberRequest(
    [property: Required, StringLength(50, MinimumLength = 1)] string Name,
    [property: JsonRequired] MemberStatus Status,
    [property: JsonRequired] DateOnly Joined,
    [property: Required, StringLength(40, MinimumLength = 1)] string OrganizationId,
    [property: StringLength(20)] string? Phone = null,
    bool Mobile = false,
    [property: StringLength(50)] string? GridRole = null,
    [property: StringLength(64)] string? StaffId = null);

public sealed record TransferRequest([property: Required, StringLength(40, MinimumLength = 1)] string OrganizationId, [property: StringLength(500)] string? Note = null);

public sealed record PartyMemberView(
    string Id, string Name, string? PhoneMasked, MemberStatus Status, bool Mobile, DateOnly Joined, string OrganizationId,
    string? GridRole, IReadOnlyList<string> Households, IReadOnlyList<ChangeView> History, long Version, string? StaffId = null,
    MobilityView? Mobility = null)
{
    public static PartyMemberView From(PartyMemberSnapshot m) => new(
        m.Id, m.Name, m.PhoneMasked, m.Status, m.Mobile, m.Joined, m.OrganizationId, m.GridRole, m.Households,
        m.History.Select(c => new ChangeView(c.At, c.Actor, c.What, c.From, c.To)).ToArray(), m.Version, m.StaffId,
        MobilityView.From(m.Mobility));
}
