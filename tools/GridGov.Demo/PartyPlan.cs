namespace GridGov.Demo;

/// <summary>A version of a point rule, as <c>PUT /districts/{d}/point-rules/{code}</c> takes it.</summary>
internal sealed record PointRuleBody(string Name, int Points, string Trigger, DateOnly EffectiveFrom, int? Cap = null, string? CapPeriod = null);

internal sealed record PointRulePlan(string Code, PointRuleBody Body);

/// <summary>A meeting of a Party organization with the members who attended (each earns the meeting rule's points).</summary>
internal sealed record MeetingPlan(string OrganizationId, DateOnly Date, string Topic, IReadOnlyList<string> Attendance);

/// <summary>A grant by hand for a volunteering activity; the source id makes it idempotent.</summary>
internal sealed record GrantPlan(string MemberId, string RuleCode, string SourceId, DateOnly Date, string Reason);

/// <summary>One step of a decision as the API takes it (meetings carry votes, disclosures an end).</summary>
internal sealed record StepBody(DateTimeOffset Date, int? Due = null, int? Present = null, int? For = null, int? Against = null,
    int? Abstaining = null, string? Minutes = null, DateTimeOffset? End = null, bool Together = false);

internal sealed record StepPlan(string Step, StepBody Body);

internal sealed record DecisionPlan(string Matter, string Kind, string Origin, decimal? Amount, IReadOnlyList<StepPlan> Steps, bool Complete);

internal sealed record CommitteeBody(string Name, string Post);

internal sealed record CadreBody(string Name, string Role, string SendingUnit, DateOnly From, DateOnly? To, string? StaffId);

internal sealed record VillagePlan(string Code, string Name, IReadOnlyList<CommitteeBody> Committee, bool SecretaryIsChair, IReadOnlyList<CadreBody> Cadres, IReadOnlyList<DecisionPlan> Decisions);

/// <summary>
/// The Party-building practices of the demo district (docs/party.md): the district's point rules (one changed half-way
/// through the year, so entries carry two versions), a year of quarterly meetings of every organization with members
/// and volunteering grants, and two villages whose decisions stand at different steps of 四议两公开 — one completed,
/// one in its resolution disclosure, one waiting for the Party members' assembly. Dates count back from today, so the
/// plan is the same for a seed on a given day.
/// </summary>
internal static class PartyPlans
{
    public static IReadOnlyList<PointRulePlan> Rules(DateOnly today)
    {
        var yearAgo = new DateOnly(today.Year - 1, 1, 1);
        var halfYear = today.AddMonths(-6);
        halfYear = new DateOnly(halfYear.Year, halfYear.Month, 1);
        return
        [
            new("case-on-time", new("按期办结", 5, "caseClosedOnTime", yearAgo)),
            new("case-satisfied", new("群众满意", 2, "caseEvaluatedSatisfied", yearAgo)),
            new("care-visit", new("入户走访", 2, "careVisit", yearAgo, 10, "month")),
            new("care-visit", new("入户走访", 3, "careVisit", halfYear, 12, "month")),
            new("meeting", new("参加组织生活", 1, "meetingAttended", yearAgo)),
            new("volunteering", new("志愿服务", 3, "volunteering", yearAgo, 8, "month")),
            new("flood-duty", new("防汛值守", 4, "manual", yearAgo)),
        ];
    }

    /// <summary>Quarterly meetings (主题党日) of every organization with members over the last year; most members attend.</summary>
    public static IReadOnlyList<MeetingPlan> Meetings(IReadOnlyList<MemberPlan> members, int seed, DateOnly today)
    {
        var meetings = new List<MeetingPlan>();
        var organizations = members.GroupBy(m => m.OrganizationId).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < organizations.Length; i++)
        {
            var organization = organizations[i];
            var rng = Rng.For(seed, "meetings", i);
            for (var quarter = 3; quarter >= 0; quarter--)
            {
                var date = today.AddDays(-(quarter * 91) - rng.Between(1, 80));
                var attendance = organization.Where(m => !m.Mobile && rng.Chance(0.85)).Select(m => m.Id).ToArray();
                if (attendance.Length > 0)
                {
                    meetings.Add(new(organization.Key, date, Topics[quarter % Topics.Length], attendance));
                }
            }
        }

        return meetings;
    }

    /// <summary>About one member in five volunteers once to four times in the year.</summary>
    public static IReadOnlyList<GrantPlan> Volunteering(IReadOnlyList<MemberPlan> members, int seed, DateOnly today)
    {
        var grants = new List<GrantPlan>();
        for (var i = 0; i < members.Count; i++)
        {
            var rng = Rng.For(seed, "volunteering", i);
            if (!rng.Chance(0.2))
            {
                continue;
            }

            for (var n = rng.Between(1, 4); n > 0; n--)
            {
                var date = today.AddDays(-rng.Between(1, 360));
                var activity = Activities[rng.Next(Activities.Length)];
                grants.Add(new(members[i].Id, "volunteering", $"vol-{date:yyyyMMdd}-{n}", date, activity));
            }
        }

        return grants;
    }

    /// <summary>The first two villages (村, the communities of the towns) of the plan.</summary>
    public static IReadOnlyList<VillagePlan> Villages(DistrictPlan district, DateTimeOffset now)
    {
        var codes = district.Grids.Where(g => !g.Urban).Select(g => g.Code[..12]).Distinct().Take(2).ToArray();
        var names = codes.Select(c => district.Territory.Single(t => t.Code == c).Name).ToArray();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        DateTimeOffset Day(int daysAgo) => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-daysAgo).AddHours(1);
        StepPlan Meeting(string step, int daysAgo, int due, int present, int @for, bool together = false) =>
            new(step, new(Day(daysAgo), due, present, @for, present - @for, 0, $"{step}: 到会{present}人，同意{@for}人", Together: together));
        StepPlan Disclosure(string step, int daysAgo, int days, string notice) => new(step, new(Day(daysAgo), Minutes: notice, End: Day(daysAgo - days)));

        return
        [
            new(codes[0], names[0],
                [new("黎明华", "chair"), new("符秀英", "viceChair"), new("王海生", "member")], SecretaryIsChair: true,
                [new("陈志远", "firstSecretary", "天涯区农业农村局", today.AddMonths(-14), today.AddMonths(10), $"{codes[0]}-FS"),
                 new("林晓", "workTeamMember", "三亚市水务局", today.AddMonths(-14), today.AddMonths(10), null)],
                [
                    new("村道硬化（2.1公里）", "project", "villagersSuggestion", 380_000m,
                    [
                        Meeting("proposal", 70, 5, 5, 5, together: true),
                        Meeting("party-assembly", 66, 31, 24, 21),
                        Meeting("villagers-assembly", 62, 45, 36, 31),
                        Disclosure("resolution-disclosure", 61, 7, "决议：硬化村道2.1公里，预算38万元。"),
                        Disclosure("result-disclosure", 20, 7, "完工：硬化2.1公里，决算37.12万元。"),
                    ], Complete: true),
                    new("集体鱼塘承包方案", "collectiveFunds", "cadresProposal", 120_000m,
                    [
                        Meeting("proposal", 9, 5, 5, 4, together: true),
                        Meeting("party-assembly", 6, 31, 22, 19),
                        Meeting("villagers-assembly", 4, 45, 30, 24),
                        Disclosure("resolution-disclosure", 3, 7, "决议：鱼塘公开竞价承包，期限五年。"),
                    ], Complete: false),
                ]),
            new(codes[1], names[1],
                [new("吉春梅", "chair"), new("董文", "member")], SecretaryIsChair: false,
                [new("郑国强", "partyBuildingInstructor", "天涯区委组织部", today.AddMonths(-3), null, $"{codes[1]}-PI")],
                [
                    new("村民活动中心选址", "land", "membersSuggestion", null,
                    [
                        Meeting("proposal", 5, 5, 5, 5),
                        Meeting("consultation", 3, 9, 8, 7),
                    ], Complete: false),
                ]),
        ];
    }

    private static readonly string[] Topics = ["主题党日：学习党的二十大精神", "组织生活会", "主题党日：为民办实事", "支部党员大会"];

    private static readonly string[] Activities = ["社区环境清洁", "关爱独居老人", "文明交通劝导", "防疫志愿服务", "垃圾分类宣传"];
}
