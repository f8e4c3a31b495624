namespace GridGov.Demo;

/// <summary>What a plan holds, in numbers, printed before loading (and by --dry-run). The build is culture-invariant (InvariantGlobalization).</summary>
internal static class PlanSummary
{
    private static readonly string[] CareTags = ["elderly-alone", "disabled", "low-income", "left-behind-child", "veteran"];

    public static IEnumerable<string> Lines(DistrictPlan district, PeoplePlan people)
    {
        var organizations = district.Organizations.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.Count());
        var groupsOnGrids = district.Organizations.Count(o => o.GridCode is not null);
        yield return $"territory: 1 district, {district.Count(9)} streets and towns, {district.Count(12)} communities and villages, "
            + $"{district.Count(15)} comprehensive grids, {district.Count(17)} micro-grids ({district.Grids.Count(g => g.MicroGrids.Count > 0)} grids have them)";
        yield return $"Party-building grids: {district.PartyGrids.Count} merging {district.PartyGrids.Sum(p => p.GridCodes.Count)} grids "
            + $"({district.PartyGrids.Count(p => p.GridCodes.Count > 1)} of them merge 2 or more)";
        yield return $"Party organizations: {organizations.GetValueOrDefault(OrganizationKind.Committee)} committees, "
            + $"{organizations.GetValueOrDefault(OrganizationKind.Branch)} branches, {organizations.GetValueOrDefault(OrganizationKind.Group)} groups "
            + $"({groupsOnGrids} of them on a comprehensive grid, the others on a Party-building grid)";
        if (people.Members.Count > 0)
        {
            yield return $"Party members: {people.Members.Count} ({people.Members.Count(m => m.Probationary)} probationary, "
                + $"{people.Members.Count(m => m.Mobile)} mobile, {people.Members.Count(m => m.GridRole is not null)} with a grid role)";
        }

        if (people.Households.Count > 0)
        {
            var residents = people.Households.SelectMany(h => h.Residents).ToArray();
            var tags = string.Join(", ", CareTags.Select(t => $"{t} {residents.Count(r => r.CareTags.Contains(t))}"));
            yield return $"households: {people.Households.Count} ({people.Households.Count(h => h.MicroGridCode is not null)} in micro-grids, "
                + $"{people.Households.Count(h => h.MemberId is not null)} linked to a Party member)";
            yield return $"residents: {residents.Length} ({residents.Count(r => r.Floating)} floating, {residents.Count(r => r.IdNumber is not null)} with an identity number, "
                + $"{residents.Count(r => r.Phone is not null)} with a phone); care tags: {tags}";
        }
    }
}
