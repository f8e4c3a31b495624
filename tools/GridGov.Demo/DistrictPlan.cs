namespace GridGov.Demo;

/// <summary>A territory node as imported: code, name and boundary.</summary>
internal sealed record TerritoryFeature(string Code, string Name, GeoQuad Shape);

/// <summary>A comprehensive grid with what the people generator needs to know about it.</summary>
internal sealed record GridPlan(
    string Code, string Name, bool Urban, double Weight, IReadOnlyList<TerritoryFeature> MicroGrids, string BranchId);

internal sealed record PartyGridPlan(string Id, string Name, IReadOnlyList<string> GridCodes);

internal enum OrganizationKind
{
    Committee,
    Branch,
    Group,
}

internal sealed record OrganizationPlan(string Id, OrganizationKind Kind, string Name, string? ParentId, string? PartyGridId, string? GridCode);

/// <summary>
/// The reference district (DOMAIN.md §8): Tianya, Sanya — 45 communities and villages, 389 comprehensive grids merged
/// into 276 Party-building grids, and 45 community- or village-level Party organizations with 119 branches and 294
/// groups built on those grids. The layout, names and shares come from the seed; the totals do not.
/// </summary>
internal sealed class DistrictPlan
{
    public const string District = "460204";
    public const int CommunityCount = 45;
    public const int GridCount = 389;
    public const int PartyGridCount = 276;
    public const int BranchCount = 119;
    public const int GroupCount = 294;

    /// <summary>Streets (街道) are urban, towns (镇) rural: urban grids are denser, with estates and micro-grids.</summary>
    private static readonly (string Name, bool Urban)[] Streets =
    [
        ("河西街道", true), ("三亚湾街道", true), ("金鸡岭街道", true), ("榆港街道", true),
        ("天涯镇", false), ("育才镇", false), ("凤凰镇", false),
    ];

    private DistrictPlan(IReadOnlyList<TerritoryFeature> territory, IReadOnlyList<GridPlan> grids, IReadOnlyList<PartyGridPlan> partyGrids, IReadOnlyList<OrganizationPlan> organizations)
    {
        Territory = territory;
        Grids = grids;
        PartyGrids = partyGrids;
        Organizations = organizations;
    }

    /// <summary>District, streets, communities, grids, micro-grids: parents first.</summary>
    public IReadOnlyList<TerritoryFeature> Territory { get; }

    public IReadOnlyList<GridPlan> Grids { get; }

    public IReadOnlyList<PartyGridPlan> PartyGrids { get; }

    /// <summary>Committees, then branches, then groups: parents first.</summary>
    public IReadOnlyList<OrganizationPlan> Organizations { get; }

    public int Count(int codeLength) => Territory.Count(t => t.Code.Length == codeLength);

    public static DistrictPlan Build(int seed)
    {
        var allocation = Rng.For(seed, "allocation", 0);
        var layout = Rng.For(seed, "layout", 0);

        // Towns to the north and west, the four urban streets on the coast to the south-east.
        var district = GeoQuad.Rectangle(109.38, 18.16, 109.62, 18.34);
        var north = layout.Between(109.48, 109.52);
        var west = layout.Between(109.45, 109.47);
        var urban = GeoQuad.Rectangle(west, 18.16, 109.62, 18.28).SplitColumns(layout.Fractions(4, 0.25), layout, lean: 0);
        GeoQuad[] streetShapes =
        [
            .. urban,
            GeoQuad.Rectangle(109.38, 18.16, west, 18.28),
            GeoQuad.Rectangle(109.38, 18.28, north, 18.34),
            GeoQuad.Rectangle(north, 18.28, 109.62, 18.34),
        ];

        var territory = new List<TerritoryFeature> { new(District, "天涯区", district) };
        var communitiesPerStreet = allocation.Distribute(
            CommunityCount,
            Streets.Select(s => s.Urban ? 4 : 5).ToArray(),
            Streets.Select(_ => 9).ToArray(),
            Streets.Select(_ => 1.0).ToArray());

        var places = Names.Places(Rng.For(seed, "places", 0), CommunityCount);
        var communities = new List<CommunityDraft>();
        for (var s = 0; s < Streets.Length; s++)
        {
            var streetCode = District + (s + 1).ToString("D3");
            territory.Add(new TerritoryFeature(streetCode, Streets[s].Name, streetShapes[s]));
            var cells = Cells(streetShapes[s], communitiesPerStreet[s], Rng.For(seed, "street", s), lean: 0);
            for (var c = 0; c < cells.Count; c++)
            {
                var name = places[communities.Count] + (Streets[s].Urban ? "社区" : "村");
                communities.Add(new CommunityDraft(streetCode + (c + 1).ToString("D3"), name, Streets[s].Urban, cells[c].Shape));
            }
        }

        var gridCounts = allocation.Distribute(
            GridCount,
            communities.Select(c => c.Urban ? 5 : 4).ToArray(),
            communities.Select(c => c.Urban ? 16 : 10).ToArray(),
            communities.Select(c => c.Urban ? 1.8 : 1.0).ToArray());
        var partyGridCounts = allocation.Distribute(
            PartyGridCount,
            gridCounts.Select(g => (int)Math.Ceiling(g * 0.55)).ToArray(),
            gridCounts,
            gridCounts.Select(g => (double)g).ToArray());
        var branchCounts = allocation.Distribute(
            BranchCount,
            communities.Select(_ => 1).ToArray(),
            partyGridCounts.Select(p => Math.Min(p, 6)).ToArray(),
            partyGridCounts.Select(p => (double)p).ToArray());

        var grids = new List<(GridDraft Grid, int Community)>();
        var partyGridRuns = new List<List<List<GridDraft>>>();
        for (var c = 0; c < communities.Count; c++)
        {
            var community = communities[c];
            territory.Add(new TerritoryFeature(community.Code, community.Name, community.Shape));
            var rng = Rng.For(seed, "community", c);
            var cells = Cells(community.Shape, gridCounts[c], rng, lean: 0.25);
            var drafts = cells.Select((cell, i) => MakeGrid(community, i + 1, cell.Shape, rng)).ToList();
            grids.AddRange(drafts.Select(d => (d, c)));
            partyGridRuns.Add(Runs(drafts, cells.Select(cell => cell.Row).ToArray(), partyGridCounts[c], rng));
        }

        territory.AddRange(grids.Select(g => new TerritoryFeature(g.Grid.Code, g.Grid.Name, g.Grid.Shape)));
        territory.AddRange(grids.SelectMany(g => g.Grid.MicroGrids));

        // Party-building grids, numbered through the district in community order.
        var partyGrids = new List<PartyGridPlan>();
        var partyGridIds = new List<List<string>>();
        for (var c = 0; c < communities.Count; c++)
        {
            var ids = new List<string>();
            foreach (var (run, n) in partyGridRuns[c].Select((run, i) => (run, i + 1)))
            {
                var id = $"{District}-PG{partyGrids.Count + 1}";
                partyGrids.Add(new PartyGridPlan(id, $"{communities[c].Name}第{Names.Chinese(n)}党建网格", run.Select(g => g.Code).ToArray()));
                ids.Add(id);
            }

            partyGridIds.Add(ids);
        }

        var organizations = BuildOrganizations(communities, partyGridIds, partyGridRuns, branchCounts, allocation);
        var branchOfPartyGrid = organizations
            .Where(o => o.PartyGridId is not null && o.Kind != OrganizationKind.Committee)
            .GroupBy(o => o.PartyGridId!)
            .ToDictionary(g => g.Key, g => g.Select(o => o.Kind == OrganizationKind.Branch ? o.Id : o.ParentId!).First());
        var branchOfGrid = partyGrids
            .SelectMany(p => p.GridCodes.Select(code => (code, branch: branchOfPartyGrid[p.Id])))
            .ToDictionary(x => x.code, x => x.branch);

        return new DistrictPlan(
            territory,
            grids.Select(g => new GridPlan(g.Grid.Code, g.Grid.Name, g.Grid.Urban, g.Grid.Weight, g.Grid.MicroGrids, branchOfGrid[g.Grid.Code])).ToArray(),
            partyGrids,
            organizations);
    }

    /// <summary>
    /// One committee per community; its branches sit on Party-building grids spread through the community; every
    /// other Party-building grid hosts a group of the branch before it, so each Party-building grid hosts a branch or
    /// a group; the remaining groups sit on comprehensive grids of their branch's Party-building grid.
    /// </summary>
    private static List<OrganizationPlan> BuildOrganizations(
        List<CommunityDraft> communities, List<List<string>> partyGridIds, List<List<List<GridDraft>>> runs, int[] branchCounts, Rng allocation)
    {
        // Where each community's branches sit, and how many groups it needs at least (one per branch, one per other Party-building grid).
        var hosts = new List<int[]>();
        var minimumGroups = new int[communities.Count];
        for (var c = 0; c < communities.Count; c++)
        {
            var p = partyGridIds[c].Count;
            var b = branchCounts[c];
            var at = Enumerable.Range(0, b).Select(j => j * p / b).ToArray();
            hosts.Add(at);
            var withoutOtherGrid = Enumerable.Range(0, b).Count(j => (j + 1 < b ? at[j + 1] : p) - at[j] == 1);
            minimumGroups[c] = p - b + withoutOtherGrid;
        }

        var groupCounts = allocation.Distribute(
            GroupCount,
            minimumGroups,
            runs.Select(r => 3 * r.Sum(run => run.Count)).ToArray(),
            runs.Select(r => (double)r.Sum(run => run.Count)).ToArray());

        var committees = new List<OrganizationPlan>();
        var branches = new List<OrganizationPlan>();
        var groupDrafts = new List<(int Branch, string? PartyGridId, string? GridCode)>();
        var firstBranchId = CommunityCount + 1;
        var firstGroupId = CommunityCount + BranchCount + 1;
        for (var c = 0; c < communities.Count; c++)
        {
            var community = communities[c];
            var committeeId = $"{District}-PO{committees.Count + 1}";
            committees.Add(new OrganizationPlan(
                committeeId, OrganizationKind.Committee, community.Urban ? $"中共{community.Name}委员会" : $"中共{community.Name}总支部委员会", null, null, null));

            var at = hosts[c];
            var p = partyGridIds[c].Count;
            var local = new List<(int Branch, string? PartyGridId, string? GridCode)>();
            for (var j = 0; j < at.Length; j++)
            {
                var branch = branches.Count;
                var name = at.Length == 1 ? $"{community.Name}党支部" : $"{community.Name}第{Names.Chinese(j + 1)}党支部";
                branches.Add(new OrganizationPlan($"{District}-PO{firstBranchId + branch}", OrganizationKind.Branch, name, committeeId, partyGridIds[c][at[j]], null));
                var end = j + 1 < at.Length ? at[j + 1] : p;
                for (var k = at[j] + 1; k < end; k++)
                {
                    local.Add((branch, partyGridIds[c][k], null));
                }

                if (end - at[j] == 1)
                {
                    local.Add((branch, null, runs[c][at[j]][0].Code));
                }
            }

            // The rest sit on comprehensive grids, shared by weight (the branch's grids), each branch cycling through its own grids.
            var extra = groupCounts[c] - local.Count;
            var branchIndexes = Enumerable.Range(branches.Count - at.Length, at.Length).ToArray();
            var shares = allocation.Distribute(
                extra,
                branchIndexes.Select(_ => 0).ToArray(),
                branchIndexes.Select(_ => extra).ToArray(),
                at.Select(h => (double)runs[c][h].Count).ToArray());
            for (var j = 0; j < at.Length; j++)
            {
                var own = runs[c][at[j]];
                var used = local.Count(g => g.Branch == branchIndexes[j] && g.GridCode is not null);
                for (var n = 0; n < shares[j]; n++)
                {
                    local.Add((branchIndexes[j], null, own[(used + n) % own.Count].Code));
                }
            }

            groupDrafts.AddRange(local.OrderBy(g => g.Branch));
        }

        var groups = new List<OrganizationPlan>();
        foreach (var byBranch in groupDrafts.GroupBy(g => g.Branch))
        {
            var branch = branches[byBranch.Key];
            foreach (var (draft, m) in byBranch.Select((d, i) => (d, i + 1)))
            {
                groups.Add(new OrganizationPlan(
                    $"{District}-PO{firstGroupId + groups.Count}", OrganizationKind.Group, $"{branch.Name}第{Names.Chinese(m)}党小组",
                    branch.Id, draft.PartyGridId, draft.GridCode));
            }
        }

        return [.. committees, .. branches, .. groups];
    }

    private static GridDraft MakeGrid(CommunityDraft community, int n, GeoQuad shape, Rng rng)
    {
        var code = community.Code + n.ToString("D3");
        var name = $"{community.Name}第{Names.Chinese(n)}网格";
        var weight = (community.Urban ? 3.0 : 1.0) * rng.Between(0.6, 1.4);
        var micro = new List<TerritoryFeature>();
        if (community.Urban && rng.Chance(0.35))
        {
            var count = rng.Between(2, 5);
            var parts = shape.SplitColumns(rng.Fractions(count, 0.3), rng, lean: 0.2);
            micro.AddRange(parts.Select((part, i) => new TerritoryFeature(code + (i + 1).ToString("D2"), $"{name}{i + 1}号微网格", part)));
        }

        return new GridDraft(code, name, community.Urban, weight, shape, micro);
    }

    /// <summary>
    /// Splits an area into cells numbered west→east, north→south: rows of about equal counts, row heights in
    /// proportion to their counts, columns with leaning dividers.
    /// </summary>
    private static List<(GeoQuad Shape, int Row)> Cells(GeoQuad area, int count, Rng rng, double lean)
    {
        var rows = Math.Clamp((int)Math.Round(Math.Sqrt(count * area.HeightMetres / area.WidthMetres)), 1, count);
        var perRow = rng.Distribute(
            count, Enumerable.Repeat(count / rows, rows).ToArray(), Enumerable.Repeat((count + rows - 1) / rows, rows).ToArray(), Enumerable.Repeat(1.0, rows).ToArray());
        var heights = perRow.Select(n => n * rng.Between(0.85, 1.15)).ToArray();
        var bands = area.SplitRows(heights.Select(h => h / heights.Sum()).ToArray());
        var cells = new List<(GeoQuad, int)>();
        for (var r = 0; r < rows; r++)
        {
            cells.AddRange(bands[r].SplitColumns(rng.Fractions(perRow[r], 0.3), rng, lean).Select(q => (q, r)));
        }

        return cells;
    }

    /// <summary>
    /// Merges a community's grids, in number order, into <paramref name="count"/> runs of neighbours: the cuts fall at
    /// row ends first, so a merged Party-building grid stays within one row of grids when it can.
    /// </summary>
    private static List<List<GridDraft>> Runs(List<GridDraft> grids, int[] rowOf, int count, Rng rng)
    {
        var rowEnds = Enumerable.Range(1, grids.Count - 1).Where(i => rowOf[i] != rowOf[i - 1]).ToList();
        var inside = Enumerable.Range(1, grids.Count - 1).Where(i => rowOf[i] == rowOf[i - 1]).ToList();
        rng.Shuffle(rowEnds);
        rng.Shuffle(inside);
        var cuts = rowEnds.Concat(inside).Take(count - 1).Order().Append(grids.Count).ToArray();
        var runs = new List<List<GridDraft>>();
        var start = 0;
        foreach (var cut in cuts)
        {
            runs.Add(grids.GetRange(start, cut - start));
            start = cut;
        }

        return runs;
    }

    private sealed record CommunityDraft(string Code, string Name, bool Urban, GeoQuad Shape);

    private sealed record GridDraft(string Code, string Name, bool Urban, double Weight, GeoQuad Shape, IReadOnlyList<TerritoryFeature> MicroGrids);
}
