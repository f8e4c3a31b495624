using System.Globalization;
using System.Text;

namespace GridGov.Demo;

internal sealed record EnterprisePlan(
    string CreditCode, string Name, string Address, double Lat, double Lon, string Industry, int Employees, string? OrganizationId,
    string ContactName, string ContactPhone);

/// <summary>
/// The district's enterprises (社区+企业): 300, like the reference district's ledger, placed in the grids in proportion
/// to their weight (the busier urban grids get more). Enterprise <c>i</c> depends only on the seed and the territory.
/// Their unified social credit codes are made valid here, check digits and all (GB 11714 and GB 32100).
/// </summary>
internal static class EnterprisePlans
{
    public const int Count = 300;

    /// <summary>A share of the enterprises whose Party members belong to the grid's branch (its Party organization).</summary>
    public const double WithPartyOrganization = 0.35;

    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>GB/T 4754 sections that such a district's small enterprises are in, with how often.</summary>
    private static readonly (string Name, string Word, double Weight)[] Industries =
    [
        ("批发和零售业", "商贸", 0.28), ("住宿和餐饮业", "酒店", 0.22), ("租赁和商务服务业", "商务服务", 0.1), ("房地产业", "置业", 0.06),
        ("建筑业", "建设工程", 0.07), ("交通运输、仓储和邮政业", "物流", 0.06), ("信息传输、软件和信息技术服务业", "网络科技", 0.07),
        ("居民服务、修理和其他服务业", "家政服务", 0.06), ("文化、体育和娱乐业", "文化传媒", 0.04), ("制造业", "食品", 0.04),
    ];

    private static readonly string[] Brands = ["椰海", "天涯", "鹿回头", "南山", "凤凰", "海棠", "椰梦", "三亚湾", "红树林", "南繁", "崖州", "金鸡岭", "榆林", "月川", "槟榔"];

    private static readonly string[] Roads = ["解放路", "迎宾路", "新风街", "河东路", "凤凰路", "三亚湾路", "金鸡岭路", "光明街", "建设街", "榆亚路"];

    private static readonly string[] Surnames = ["王", "李", "陈", "林", "吴", "黄", "符", "张", "郑", "周"];

    private static readonly string[] Titles = ["经理", "主任", "女士", "先生"];

    public static IReadOnlyList<EnterprisePlan> Build(DistrictPlan district, int seed)
    {
        var shapes = district.Territory.ToDictionary(t => t.Code, t => t.Shape, StringComparer.Ordinal);
        var gridWeights = district.Grids.Select(g => g.Weight).ToArray();
        var industryWeights = Industries.Select(i => i.Weight).ToArray();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        var enterprises = new List<EnterprisePlan>(Count);
        for (var i = 0; i < Count; i++)
        {
            var rng = Rng.For(seed, "enterprise", i);
            var grid = district.Grids[rng.PickWeighted(gridWeights)];
            var (lat, lon) = CasePlans.Inside(shapes[grid.Code], rng);
            var industry = Industries[rng.PickWeighted(industryWeights)];
            string code;
            do
            {
                // 9 (market regulation) 1 (a company), Tianya's area code, then a new-style organization code "MA5T…".
                var body = new StringBuilder("MA5T");
                for (var c = 0; c < 4; c++)
                {
                    body.Append(Alphabet[rng.Next(Alphabet.Length)]);
                }

                code = Complete($"91{DistrictPlan.District}{body}");
            }
            while (!codes.Add(code));

            // Most are small: 3–30 people; some tens; a few hundreds (the hotels).
            var employees = rng.Chance(0.7) ? rng.Between(3, 30) : rng.Chance(0.8) ? rng.Between(31, 150) : rng.Between(151, 800);
            enterprises.Add(new EnterprisePlan(
                code,
                $"三亚{rng.Pick(Brands)}{industry.Word}有限公司",
                $"三亚市天涯区{rng.Pick(Roads)}{rng.Between(1, 399)}号",
                lat,
                lon,
                industry.Name,
                employees,
                rng.Chance(WithPartyOrganization) ? grid.BranchId : null,
                rng.Pick(Surnames) + rng.Pick(Titles),
                $"1{rng.Pick(["38", "39", "58", "87", "89"])}{rng.Between(10_000_000, 99_999_999)}"));
        }

        return enterprises;
    }

    /// <summary>The import's body: one row per enterprise, in plan order.</summary>
    public static byte[] Csv(IReadOnlyList<EnterprisePlan> enterprises)
    {
        var csv = new StringBuilder("credit_code,name,address,lat,lon,industry,employee_count,party_organization_id,contact_name,contact_phone\n");
        foreach (var e in enterprises)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.CreditCode},{e.Name},{e.Address},{e.Lat},{e.Lon},\"{e.Industry}\",{e.Employees},{e.OrganizationId},{e.ContactName},{e.ContactPhone}\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>The two check characters of a code's first 16: GB 11714's over positions 9–16, then GB 32100's over the 17.</summary>
    private static string Complete(string first16)
    {
        int[] weights = [3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = first16[8 + i];
            sum += (char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10) * weights[i];
        }

        var seventeen = first16 + (11 - sum % 11) switch { 10 => 'X', 11 => '0', var d => (char)('0' + d) };
        int total = 0, weight = 1;
        foreach (var c in seventeen)
        {
            total += Alphabet.IndexOf(c, StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }

        return seventeen + Alphabet[(31 - total % 31) % 31];
    }
}
