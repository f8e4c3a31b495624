namespace GridGov.Demo;

// The API's request and response bodies, as far as this tool writes and compares them (camelCase JSON).

internal sealed record PartyGridBody(string Name, IReadOnlyList<string> GridCodes);

internal sealed record PartyGridView(string Id, string Name, IReadOnlyList<string> GridCodes, long Version);

internal sealed record OrganizationBody(string Kind, string Name, string? ParentId, string? PartyGridId, string? GridCode);

internal sealed record OrganizationView(string Id, string Kind, string Name, string? ParentId, string? PartyGridId, string? GridCode, long Version);

internal sealed record MemberBody(string Name, string? Phone, string Status, bool Mobile, DateOnly Joined, string OrganizationId, string? GridRole);

internal sealed record MemberView(
    string Id, string Name, string? PhoneMasked, string Status, bool Mobile, DateOnly Joined, string OrganizationId, string? GridRole, long Version);

internal sealed record ResidentBody(
    string Id, string Name, string Gender, int BirthYear, string Relation, string ResidenceType, string? IdNumber, string? Phone, IReadOnlyList<string> CareTags);

internal sealed record HouseholdBody(
    string GridCode, string? MicroGridCode, string Building, string? Unit, string Room, IReadOnlyList<string> Tags, IReadOnlyList<ResidentBody> Residents);

internal sealed record ResidentView(
    string Id, string Name, string Gender, int BirthYear, string Relation, string ResidenceType, string? IdNumberMasked, string? PhoneMasked, IReadOnlyList<string> CareTags);

internal sealed record HouseholdView(
    string Id, string GridCode, string? MicroGridCode, string Building, string? Unit, string Room, IReadOnlyList<string> Tags,
    IReadOnlyList<ResidentView> Residents, string? LinkedMemberId, long Version);

/// <summary>A page of a list: households of a territory node, members of a Party-building grid's organizations.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

internal sealed record MemberLinkBody(string MemberId);

internal sealed record ImportedFeature(int Index, string Code);

internal sealed record RejectedFeature(int Index, string? Code, string Reason);

internal sealed record ImportResult(
    IReadOnlyList<ImportedFeature> Created, IReadOnlyList<ImportedFeature> Updated, IReadOnlyList<ImportedFeature> Unchanged, IReadOnlyList<RejectedFeature> Rejected);

/// <summary>Plans as bodies, and the comparison of what the server holds with what the plan wants.</summary>
internal static class Wire
{
    public static PartyGridBody Body(PartyGridPlan p) => new(p.Name, p.GridCodes);

    public static bool Same(PartyGridPlan p, PartyGridView v) =>
        v.Name == p.Name && v.GridCodes.SequenceEqual(p.GridCodes.Order(StringComparer.Ordinal));

    public static OrganizationBody Body(OrganizationPlan o) => new(Kind(o.Kind), o.Name, o.ParentId, o.PartyGridId, o.GridCode);

    public static bool Same(OrganizationPlan o, OrganizationView v) =>
        v.Kind == Kind(o.Kind) && v.Name == o.Name && v.ParentId == o.ParentId && v.PartyGridId == o.PartyGridId && v.GridCode == o.GridCode;

    public static MemberBody Body(MemberPlan m) =>
        new(m.Name, m.Phone, m.Probationary ? "probationary" : "full", m.Mobile, m.Joined, m.OrganizationId, m.GridRole);

    /// <summary>The phone is compared by its masked form, the only one the API shows.</summary>
    public static bool Same(MemberPlan m, MemberView v) =>
        v.Name == m.Name && v.PhoneMasked == MaskPhone(m.Phone) && v.Status == (m.Probationary ? "probationary" : "full")
        && v.Mobile == m.Mobile && v.Joined == m.Joined && v.OrganizationId == m.OrganizationId && v.GridRole == m.GridRole;

    public static HouseholdBody Body(HouseholdPlan h) => new(
        h.GridCode, h.MicroGridCode, h.Building, h.Unit, h.Room, h.Tags,
        h.Residents.Select(r => new ResidentBody(
            r.Id, r.Name, Gender(r), r.BirthYear, r.Relation, Residence(r), r.IdNumber, r.Phone, r.CareTags)).ToArray());

    /// <summary>Identity and phone numbers are compared by their masked forms, the only ones the API shows.</summary>
    public static bool Same(HouseholdPlan h, HouseholdView v) =>
        v.GridCode == h.GridCode && v.MicroGridCode == h.MicroGridCode && v.Building == h.Building && v.Unit == h.Unit
        && v.Room == h.Room && v.Tags.SequenceEqual(h.Tags.Distinct().Order(StringComparer.Ordinal))
        && v.Residents.Count == h.Residents.Count
        && v.Residents.Zip(h.Residents).All(p => Same(p.Second, p.First));

    private static bool Same(ResidentPlan r, ResidentView v) =>
        v.Id == r.Id && v.Name == r.Name && v.Gender == Gender(r) && v.BirthYear == r.BirthYear && v.Relation == r.Relation
        && v.ResidenceType == Residence(r) && v.IdNumberMasked == MaskIdNumber(r.IdNumber) && v.PhoneMasked == MaskPhone(r.Phone)
        && v.CareTags.SequenceEqual(r.CareTags.Distinct().Order(StringComparer.Ordinal));

    /// <summary>GridGov shows <c>4602**********1234</c>: the first and last four characters.</summary>
    public static string? MaskIdNumber(string? id) => id is null ? null : id[..4] + new string('*', id.Length - 8) + id[^4..];

    /// <summary>GridGov shows <c>138****5678</c>: the first three and the last four digits.</summary>
    public static string? MaskPhone(string? phone) => phone is null ? null : phone[..3] + new string('*', phone.Length - 7) + phone[^4..];

    private static string Kind(OrganizationKind kind) => kind switch
    {
        OrganizationKind.Committee => "committee",
        OrganizationKind.Branch => "branch",
        _ => "group",
    };

    private static string Gender(ResidentPlan r) => r.Male ? "male" : "female";

    private static string Residence(ResidentPlan r) => r.Floating ? "floating" : "registered";
}
