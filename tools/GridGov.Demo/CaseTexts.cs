namespace GridGov.Demo;

/// <summary>What residents, patrols and the hotline write, in the district's words: plausible, invented, per category.</summary>
internal static class CaseTexts
{
    public static readonly string[] RejectNotes = ["非本辖区事项，已告知反映人向相关单位反映", "经现场核实，反映情况不属实", "属于民事纠纷，已引导通过诉讼途径解决"];

    public static readonly string[] ResolveNotes = ["已处理完毕，附处理后照片", "已协调责任单位处置完毕", "现场已整改到位", "已联系维修人员修复"];

    private static readonly Dictionary<string, string[]> Descriptions = new(StringComparer.Ordinal)
    {
        ["component.public-facilities"] = ["路灯不亮，夜间出行不便", "井盖缺失，存在安全隐患", "消防栓漏水", "公共座椅损坏"],
        ["component.roads-traffic"] = ["路面坑洼积水", "交通标志牌倾斜", "人行道地砖松动", "护栏被撞坏"],
        ["component.city-appearance"] = ["垃圾桶满溢未清运", "墙面乱涂乱画", "公厕卫生差", "废弃车辆长期停放"],
        ["component.greenery"] = ["台风后树木倒伏压住人行道", "绿化带被占用种菜", "行道树枝叶遮挡路灯"],
        ["component.buildings-land"] = ["楼顶违章搭建", "老旧楼房外墙脱落", "围墙开裂"],
        ["component.other"] = ["公共设施损坏，类别不明", "小区道闸损坏"],
        ["event.environment"] = ["路边垃圾堆放", "污水外溢，气味难闻", "海滩上有大量白色垃圾", "餐馆油烟扰民"],
        ["event.advertising"] = ["电线杆上张贴小广告", "违规设置广告牌", "门店占道摆放广告牌"],
        ["event.construction"] = ["夜间施工噪音扰民", "工地扬尘严重", "渣土车沿路撒漏"],
        ["event.street-order"] = ["占道经营，堵塞人行道", "机动车乱停乱放", "流动摊贩聚集", "共享单车堆放堵塞通道"],
        ["event.utilities-outage"] = ["小区停水未通知", "整栋楼停电", "燃气压力不足"],
        ["event.other"] = ["流浪犬聚集，居民害怕", "楼道堆放杂物"],
        ["event.emergency"] = ["闻到燃气泄漏气味", "电动车起火冒烟", "居民被困电梯"],
        ["governance.neighbour-dispute"] = ["楼上漏水，协商不成", "邻居养犬噪音纠纷", "宅基地边界纠纷"],
        ["governance.care-visit"] = ["独居老人多日未见，请求上门看望", "残疾人家庭需要帮扶", "留守儿童生活困难"],
        ["governance.safety-hazard"] = ["电动车在楼道内充电", "消防通道被堵", "私拉电线"],
        ["governance.public-security"] = ["发现可疑人员在小区徘徊", "夜间有人聚众喧哗", "车辆被划"],
        ["governance.complex"] = ["小区物业管理纠纷，涉及多方", "征地补偿诉求"],
    };

    private static readonly Dictionary<int, string[]> Comments = new()
    {
        [1] = ["处理拖拉，问题没有解决", "没人联系我"],
        [2] = ["处理了但效果不好", "反复反映才处理"],
        [3] = ["基本解决", "还可以"],
        [4] = ["处理及时，谢谢", "网格员态度好"],
        [5] = ["很满意，当天就解决了", "网格员很负责，点赞", "处理又快又好"],
    };

    public static string Description(Rng rng, string category) => rng.Pick(Descriptions[category]);

    /// <summary>A second report of the same problem, in another resident's words.</summary>
    public static string Again(Rng rng, string description) => rng.Pick(["又发现", "同样的问题：", "还是"]) + description;

    public static string Comment(Rng rng, int satisfaction) => rng.Pick(Comments[satisfaction]);

    public static string Address(Rng rng, bool urban) => urban
        ? $"{Names.Estate(rng)}{rng.Between(1, 12)}栋附近"
        : $"第{Names.Chinese(rng.Between(1, 9))}村民小组{rng.Between(1, 80)}号旁";

    public static string Phone(Rng rng) => PeoplePlan.Phone(rng);
}
