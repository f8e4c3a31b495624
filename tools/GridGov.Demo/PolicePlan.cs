using System.Globalization;

namespace GridGov.Demo;

/// <summary>A police area of the demo district: the community it covers, its station and community police officer.</summary>
internal sealed record PoliceAreaPlan(string Code, string Name, string Station, string OfficerName, string OfficerPhone, GeoQuad Shape);

/// <summary>
/// The demo district's police areas (警务网格): one per community, drawn on the community's boundary, so together
/// they cover the district and each links the community's grids; one station per street. Deterministic from the seed.
/// </summary>
internal static class PolicePlan
{
    public static IReadOnlyList<PoliceAreaPlan> Build(DistrictPlan district, int seed)
    {
        var streets = district.Territory.Where(t => t.Code.Length == 9).ToDictionary(t => t.Code, t => t.Name, StringComparer.Ordinal);
        return district.Territory.Where(t => t.Code.Length == 12).Select((community, i) =>
        {
            var rng = Rng.For(seed, "police-area", i);
            var officer = Names.Surname(rng) + Names.Given(rng, rng.Chance(0.8));
            var phone = "139" + rng.Between(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
            return new PoliceAreaPlan(
                "P" + community.Code[DistrictPlan.District.Length..], community.Name + "警务网格",
                streets.GetValueOrDefault(community.Code[..9], "天涯") + "派出所", officer, phone, community.Shape);
        }).ToArray();
    }

    /// <summary>The areas as the body of <c>POST /api/v1/districts/{district}/police-areas/import</c>.</summary>
    public static byte[] Write(IReadOnlyList<PoliceAreaPlan> areas) => GeoJson.Write(areas, area => area.Shape, (json, area) =>
    {
        json.WriteString("code", area.Code);
        json.WriteString("name", area.Name);
        json.WriteString("station", area.Station);
        json.WriteString("officerName", area.OfficerName);
        json.WriteString("officerPhone", area.OfficerPhone);
    });
}
