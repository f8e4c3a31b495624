namespace GridGov.Demo;

internal sealed record ResidentPlan(
    string Id, string Name, bool Male, int BirthYear, string Relation, bool Floating, string? IdNumber, string? Phone, IReadOnlyList<string> CareTags);

internal sealed record HouseholdPlan(
    string Id, string GridCode, string? MicroGridCode, string Building, string? Unit, string Room, IReadOnlyList<string> Tags,
    IReadOnlyList<ResidentPlan> Residents, string? MemberId);

internal sealed record MemberPlan(string Id, string Name, string Phone, bool Probationary, bool Mobile, DateOnly Joined, string OrganizationId, string? GridRole);

/// <summary>
/// Party members and households of the district. Household <c>i</c> depends only on the seed, the territory and the
/// households before it, so a smaller load is the beginning of a larger one (same seed).
/// </summary>
internal sealed class PeoplePlan
{
    /// <summary>Ages and dates are reckoned from a fixed day, not from today, so a seed gives the same data next year too.</summary>
    public static readonly DateOnly Reference = new(2026, 1, 1);

    /// <summary>Share of households that a Party member keeps in touch with (党员联系户).</summary>
    public const double LinkedShare = 0.3;

    private const int LastYear = 2025;

    private static readonly string[] MobilePrefixes =
    [
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157",
        "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "198", "199",
    ];

    /// <summary>Where floating residents' identity numbers were issued: other counties of Hainan and of nearby provinces.</summary>
    private static readonly string[] OriginRegions = ["460106", "460003", "469024", "440882", "450521", "430124", "360121", "510122", "412723", "522422"];

    private static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    private PeoplePlan(IReadOnlyList<MemberPlan> members, IReadOnlyList<HouseholdPlan> households)
    {
        Members = members;
        Households = households;
    }

    public IReadOnlyList<MemberPlan> Members { get; }

    public IReadOnlyList<HouseholdPlan> Households { get; }

    public static PeoplePlan Build(DistrictPlan district, int seed, int householdCount, int memberCount)
    {
        var members = BuildMembers(district, seed, memberCount);
        var contacts = members.Where(m => !m.Mobile).GroupBy(m => m.OrganizationId).ToDictionary(g => g.Key, g => g.ToArray());

        var grids = district.Grids;
        var cumulative = new double[grids.Count];
        for (var g = 0; g < grids.Count; g++)
        {
            cumulative[g] = (g == 0 ? 0 : cumulative[g - 1]) + grids[g].Weight;
        }

        var slots = new int[grids.Count];
        var addresses = grids.Select((grid, g) => new AddressBook(grid, g, seed)).ToArray();
        var idNumbers = new HashSet<string>(StringComparer.Ordinal);
        var households = new List<HouseholdPlan>(householdCount);
        for (var i = 1; i <= householdCount; i++)
        {
            var rng = Rng.For(seed, "household", i);
            var g = Array.BinarySearch(cumulative, rng.NextDouble() * cumulative[^1]);
            g = g < 0 ? Math.Min(~g, grids.Count - 1) : g;
            var grid = grids[g];
            var (building, unit, room, micro) = addresses[g].Address(slots[g]++);
            var id = $"{DistrictPlan.District}-H{i:D6}";
            var floating = rng.Chance(grid.Urban ? 0.18 : 0.04);
            var residents = Family(rng, id, grid.Urban, floating, idNumbers);
            string? member = null;
            if (rng.Chance(LinkedShare) && contacts.TryGetValue(grid.BranchId, out var candidates))
            {
                member = rng.Pick(candidates).Id;
            }

            households.Add(new HouseholdPlan(id, grid.Code, micro, building, unit, room, floating ? ["rental"] : [], residents, member));
        }

        return new PeoplePlan(members, households);
    }

    /// <summary>
    /// The first members are the branch secretaries (one per branch), then the group leaders (one per group); the rest
    /// join branches in proportion to the households of the branch's grids. A member belongs to a branch (党支部), where
    /// Party membership is kept.
    /// </summary>
    private static List<MemberPlan> BuildMembers(DistrictPlan district, int seed, int count)
    {
        var branches = district.Organizations.Where(o => o.Kind == OrganizationKind.Branch).ToArray();
        var groups = district.Organizations.Where(o => o.Kind == OrganizationKind.Group).ToArray();
        var weights = branches.Select(b => district.Grids.Where(g => g.BranchId == b.Id).Sum(g => g.Weight)).ToArray();
        var members = new List<MemberPlan>(count);
        for (var j = 1; j <= count; j++)
        {
            var rng = Rng.For(seed, "member", j);
            var (organization, role) = j <= branches.Length ? (branches[j - 1].Id, "网格党支部书记")
                : j <= branches.Length + groups.Length ? (groups[j - branches.Length - 1].ParentId!, "党小组长")
                : (branches[rng.PickWeighted(weights)].Id, rng.Chance(0.08) ? "党员先锋岗" : rng.Chance(0.15) ? "志愿者" : null);
            var male = rng.Chance(0.62);
            var age = role is null ? rng.Between(22, 88) : rng.Between(30, 62);
            var birthYear = LastYear - age;
            var probationary = role is null && rng.Chance(0.04);
            var joined = probationary
                ? new DateOnly(LastYear, 1, 1).AddDays(rng.Next(365))
                : new DateOnly(Math.Clamp(birthYear + rng.Between(18, 40), 1950, LastYear - 1), 1, 1).AddDays(rng.Next(365));
            members.Add(new MemberPlan(
                $"{DistrictPlan.District}-M{j:D5}", Names.Surname(rng) + Names.Given(rng, male), Phone(rng), probationary,
                role is null && rng.Chance(0.05), joined, organization, role));
        }

        return members;
    }

    private static List<ResidentPlan> Family(Rng rng, string householdId, bool urban, bool floating, HashSet<string> idNumbers)
    {
        var size = 1 + rng.PickWeighted([0.17, 0.28, 0.25, 0.18, 0.12]);
        var headMale = rng.Chance(0.7);
        var headAge = size == 1 ? (rng.Chance(0.45) ? rng.Between(65, 92) : rng.Between(20, 64))
            : floating ? rng.Between(22, 55) : rng.Between(25, 85);
        var headSurname = Names.Surname(rng);
        var people = new List<(string Relation, bool Male, int Age, string Surname)> { ("户主", headMale, headAge, headSurname) };
        var fatherSurname = headSurname;
        if (size > 1 && !(size == 2 && rng.Chance(0.2)))
        {
            var spouseAge = Math.Clamp(headAge + (headMale ? -rng.Between(0, 6) : rng.Between(0, 6)), 20, 95);
            var spouseSurname = Names.Surname(rng);
            people.Add(("配偶", !headMale, spouseAge, spouseSurname));
            fatherSurname = headMale ? headSurname : spouseSurname;
        }

        if (people.Count < size && headAge <= 50 && rng.Chance(size == 5 ? 0.6 : 0.15))
        {
            var male = rng.Chance(0.5);
            people.Add(("父母", male, Math.Min(headAge + rng.Between(22, 32), 98), male ? headSurname : Names.Surname(rng)));
        }

        while (people.Count < size)
        {
            if (headAge >= 55 && rng.Chance(urban ? 0.3 : 0.5))
            {
                people.Add(("孙子女", rng.Chance(0.52), rng.Between(1, 15), fatherSurname));
            }
            else if (headAge >= 24)
            {
                people.Add(("子女", rng.Chance(0.52), rng.Between(Math.Max(0, headAge - 40), headAge - 22), fatherSurname));
            }
            else
            {
                people.Add(("兄弟姐妹", rng.Chance(0.5), Math.Max(16, headAge + rng.Between(-4, 4)), headSurname));
            }
        }

        var lowIncome = rng.Chance(urban ? 0.02 : 0.06);
        var residents = new List<ResidentPlan>(people.Count);
        foreach (var (person, n) in people.Select((p, i) => (p, i + 1)))
        {
            var tags = new List<string>();
            if (person.Relation == "户主" && size == 1 && person.Age >= 65)
            {
                tags.Add("elderly-alone");
            }

            if (rng.Chance(person.Age >= 65 ? 0.05 : 0.015))
            {
                tags.Add("disabled");
            }

            if (person.Relation == "户主" && lowIncome)
            {
                tags.Add("low-income");
            }

            if (person.Relation == "孙子女" && rng.Chance(urban ? 0.15 : 0.6))
            {
                tags.Add("left-behind-child");
            }

            if (person.Male && person.Age is >= 38 and <= 85 && rng.Chance(0.04))
            {
                tags.Add("veteran");
            }

            var birth = new DateOnly(LastYear - person.Age, 1, 1).AddDays(rng.Next(365));
            var idNumber = floating && rng.Chance(0.1) ? null
                : IdNumber(rng, floating ? rng.Pick(OriginRegions) : DistrictPlan.District, birth, person.Male, idNumbers);
            var phone = person.Relation == "户主" || (person.Age is >= 16 and <= 75 ? rng.Chance(0.6) : person.Age > 75 && rng.Chance(0.2))
                ? Phone(rng)
                : null;
            residents.Add(new ResidentPlan(
                $"{DistrictPlan.District}-R{householdId[8..]}-{n}", person.Surname + Names.Given(rng, person.Male), person.Male,
                birth.Year, person.Relation, floating, idNumber, phone, tags.Order(StringComparer.Ordinal).ToArray()));
        }

        return residents;
    }

    /// <summary>
    /// A resident identity number (GB 11643): region, birth date, a sequence whose last digit is odd for men and even
    /// for women, and the ISO 7064 MOD 11-2 check character. Unique within the data set.
    /// </summary>
    private static string IdNumber(Rng rng, string region, DateOnly birth, bool male, HashSet<string> used)
    {
        // Two digits for the registering police station, then one whose parity is the sex: 500 numbers per region, day and sex.
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var station = attempt < 50 ? rng.Next(100) : attempt % 100;
            var body = $"{region}{birth:yyyyMMdd}{station:D2}{rng.Next(5) * 2 + (male ? 1 : 0)}";
            var number = body + CheckCharacter(body);
            if (used.Add(number))
            {
                return number;
            }
        }

        throw new InvalidOperationException($"No identity number left for region {region}, {birth:yyyy-MM-dd}.");
    }

    public static char CheckCharacter(string body)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (body[i] - '0') * IdWeights[i];
        }

        return "10X98765432"[sum % 11];
    }

    internal static string Phone(Rng rng) => rng.Pick(MobilePrefixes) + rng.Next(100_000_000).ToString("D8");

    /// <summary>Addresses of one grid, handed out in order: urban estates (building, unit, room) or village groups (house numbers).</summary>
    private sealed class AddressBook
    {
        private readonly GridPlan _grid;
        private readonly Rng _rng;
        private readonly List<string> _estates = [];
        private readonly int _units;
        private readonly int _floors;
        private readonly int _roomsPerFloor;
        private readonly int _buildingsPerEstate;
        private readonly int _villageGroups;
        private readonly int _firstVillageGroup;

        public AddressBook(GridPlan grid, int index, int seed)
        {
            _grid = grid;
            _rng = Rng.For(seed, "address", index);
            _units = _rng.Between(1, 4);
            _floors = _rng.Pick([6, 7, 9, 11, 12, 18, 24, 26, 30, 32]);
            _roomsPerFloor = _rng.Between(2, 4);
            _buildingsPerEstate = _rng.Between(4, 12);
            _villageGroups = _rng.Between(1, 3);
            _firstVillageGroup = (int.Parse(grid.Code[12..], System.Globalization.CultureInfo.InvariantCulture) - 1) * 3 + 1;
        }

        public (string Building, string? Unit, string Room, string? MicroGrid) Address(int slot)
        {
            if (!_grid.Urban)
            {
                return ($"第{Names.Chinese(_firstVillageGroup + slot % _villageGroups)}村民小组", null, $"{slot / _villageGroups + 1}号", null);
            }

            var perBuilding = _units * _floors * _roomsPerFloor;
            var building = slot / perBuilding;
            var inBuilding = slot % perBuilding;
            var unit = inBuilding / (_floors * _roomsPerFloor) + 1;
            var floor = inBuilding % (_floors * _roomsPerFloor) / _roomsPerFloor + 1;
            var room = floor * 100 + inBuilding % _roomsPerFloor + 1;
            var estate = Estate(building / _buildingsPerEstate);
            var micro = _grid.MicroGrids.Count == 0 ? null : _grid.MicroGrids[building % _grid.MicroGrids.Count].Code;
            return ($"{estate}{building % _buildingsPerEstate + 1}栋", _units == 1 ? null : $"{unit}单元", room.ToString(System.Globalization.CultureInfo.InvariantCulture), micro);
        }

        /// <summary>Estate names of a grid are distinct, so no two households share an address.</summary>
        private string Estate(int index)
        {
            while (_estates.Count <= index)
            {
                var name = Names.Estate(_rng);
                for (var suffix = 2; _estates.Contains(name); suffix++)
                {
                    name = Names.Estate(_rng) + (suffix > 8 ? Names.Chinese(suffix) + "期" : "");
                }

                _estates.Add(name);
            }

            return _estates[index];
        }
    }
}
