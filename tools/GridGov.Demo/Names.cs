namespace GridGov.Demo;

/// <summary>Word lists for plausible names; invented combinations, not a register of real people or places.</summary>
internal static class Names
{
    /// <summary>Common surnames in Hainan, the first ones more often (drawn with weights).</summary>
    private static readonly string[] Surnames =
    [
        "王", "陈", "李", "林", "黄", "吴", "符", "张", "杨", "邢", "刘", "周", "郑", "蒲", "麦", "羊", "梁", "冯", "唐",
        "何", "许", "卓", "云", "钟", "孙", "赵", "潘", "谢", "邓", "蔡", "高", "罗", "胡", "董", "容", "曾", "莫", "韩",
    ];

    private static readonly double[] SurnameWeights = Surnames.Select((_, i) => 1.0 / (i + 4)).ToArray();

    private static readonly string[] MaleGiven =
    [
        "伟", "强", "军", "志", "明", "海", "华", "建", "国", "文", "俊", "杰", "涛", "斌", "勇", "鹏", "辉", "波", "林", "峰",
        "亮", "磊", "宇", "浩", "晨", "安", "东", "平", "德", "荣", "福", "成", "振", "光", "坤", "昌", "雄", "锋", "家", "朝",
    ];

    private static readonly string[] FemaleGiven =
    [
        "芳", "娟", "敏", "静", "丽", "艳", "玲", "秀", "英", "霞", "燕", "红", "梅", "琳", "婷", "雪", "慧", "颖", "佳", "欣",
        "怡", "萍", "兰", "凤", "娜", "琴", "莉", "月", "春", "桂", "珍", "玉", "美", "花", "金", "小", "丹", "晓", "雅", "爱",
    ];

    /// <summary>Two characters make a community or village name: 海坡, 椰林, 凤岭…</summary>
    private static readonly string[] PlaceFirst =
    [
        "海", "椰", "金", "凤", "鹿", "南", "新", "红", "文", "荔", "龙", "桶", "梅", "马", "槟", "月", "港", "抱", "水", "羊",
        "临", "春", "榆", "云", "东", "西", "白", "青", "清", "石", "凰", "湾", "沙", "竹", "桃",
    ];

    private static readonly string[] PlaceSecond =
    [
        "坡", "园", "湾", "林", "港", "山", "岭", "川", "田", "塘", "沟", "井", "头", "岛", "口", "洲", "丰", "安", "兴", "和",
        "平", "阳", "光", "联", "埇", "溪", "岗", "排", "美", "城",
    ];

    private static readonly string[] EstateFirst =
    [
        "椰风", "海韵", "金鸡", "凤凰", "鹿岭", "三亚湾", "阳光", "蓝海", "碧海", "椰林", "丽景", "银湾", "南山", "滨海",
        "海天", "明珠", "天涯", "福海", "月川", "春光", "港湾", "紫荆", "锦绣", "翡翠",
    ];

    private static readonly string[] EstateSecond = ["花园", "小区", "家园", "公寓", "新村", "雅苑", "华庭", "名苑", "佳园", "新城"];

    private static readonly string[] Digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

    public static string Surname(Rng rng) => Surnames[rng.PickWeighted(SurnameWeights)];

    public static string Given(Rng rng, bool male)
    {
        var pool = male ? MaleGiven : FemaleGiven;
        return rng.Chance(0.7) ? rng.Pick(pool) + rng.Pick(pool) : rng.Pick(pool);
    }

    /// <summary>Distinct two-character place names, in a seed-dependent order.</summary>
    public static IReadOnlyList<string> Places(Rng rng, int count)
    {
        var all = PlaceFirst.SelectMany(a => PlaceSecond.Where(b => b != a).Select(b => a + b)).ToList();
        rng.Shuffle(all);
        return all.Take(count).ToArray();
    }

    public static string Estate(Rng rng) => rng.Pick(EstateFirst) + rng.Pick(EstateSecond);

    /// <summary>1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99).</summary>
    public static string Chinese(int n) => n switch
    {
        < 1 or > 99 => throw new ArgumentOutOfRangeException(nameof(n)),
        < 10 => Digits[n],
        10 => "十",
        < 20 => "十" + Digits[n % 10],
        _ => Digits[n / 10] + "十" + (n % 10 == 0 ? "" : Digits[n % 10]),
    };
}
