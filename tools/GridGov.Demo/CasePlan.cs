namespace GridGov.Demo;

/// <summary>What an action sends (<c>POST /api/v1/cases/{id}/{action}</c>); each action reads the fields it needs.</summary>
internal sealed record CaseActionBody(
    string? Note = null, string? Assignee = null, int? Satisfaction = null, bool? Resolved = null, string? Comment = null, int? Hours = null, string? Into = null,
    IReadOnlyList<string>? Photos = null, string? Reason = null);

/// <summary>One action of a case's path through the loop; a merge's target is the case of plan index <c>MergeInto</c>.</summary>
internal sealed record CaseStep(string Action, CaseActionBody Body);

internal sealed record CameraPlan(double Confidence, string SnapshotUrl, string CameraCode);

/// <summary>
/// One case of the month: where and what was reported, and the actions that take it to its final state. Case
/// <c>Index</c> depends only on the seed and its index, so <c>--cases 60</c> is the beginning of <c>--cases 600</c>.
/// </summary>
internal sealed record CasePlan(
    int Index,
    int Day,
    string GridCode,
    double Lat,
    double Lon,
    string Category,
    string Source,
    bool Urgent,
    string Description,
    string? Address,
    string? ReporterName,
    string? ReporterPhone,
    CameraPlan? Camera,
    string FinalState,
    IReadOnlyList<CaseStep> Steps,
    int? MergeInto)
{
    /// <summary>The report's Idempotency-Key: a second run (with the same key) answers the case the first one made.</summary>
    public string IdempotencyKey(int seed) => $"gridgov-demo-{seed}-case-{Index}";

    /// <summary>Dispatched in a category of the 2-hour tier and left open: warned after 96 minutes, overdue after 2 hours.</summary>
    public bool TwoHourTier => CasePlans.TwoHourCategories.Contains(Category) && FinalState is "dispatched" or "inProgress";

    public int Escalations => Steps.Count(s => s.Action == "escalate");

    public bool Reworked => Steps.Any(s => s.Action == "rework");

    public bool Returned => Steps.Any(s => s.Action == "return");

    public int? Satisfaction => Steps.FirstOrDefault(s => s.Action == "evaluate")?.Body.Satisfaction;

    public override string ToString() => $"case {Index} (day {Day}, {Category}, {FinalState})";
}

/// <summary>
/// A month of cases across the loop. Final states are dealt from decks of 20 cards that hold every state (so any 20
/// cases in a row have them all); a case's day follows its state, older days being further along the loop, and its
/// grid, category, source and text come from its own random stream.
/// </summary>
internal static class CasePlans
{
    public const int Days = 30;
    public const int DeckSize = 20;

    public static readonly string[] TwoHourCategories = ["event.emergency", "governance.public-security"];

    /// <summary>(final state, dispatched in the 2-hour tier) × how many in a deck of 20.</summary>
    private static readonly (string State, bool TwoHour, int Cards)[] Deck =
    [
        ("evaluated", false, 5), ("closed", false, 3), ("resolved", false, 2), ("inProgress", false, 1), ("inProgress", true, 1),
        ("dispatched", false, 1), ("dispatched", true, 1), ("filed", false, 1), ("reported", false, 1), ("rejected", false, 2),
        ("merged", false, 2),
    ];

    /// <summary>The days of the month a case in that state was most likely reported on (1 = thirty days ago, 30 = today).</summary>
    private static readonly Dictionary<string, (int First, int Last)> DaysOf = new()
    {
        ["evaluated"] = (1, 27), ["closed"] = (1, 29), ["rejected"] = (1, 30), ["merged"] = (1, 30), ["resolved"] = (18, 30),
        ["inProgress"] = (12, 30), ["dispatched"] = (20, 30), ["filed"] = (27, 30), ["reported"] = (29, 30),
    };

    private static readonly (string Code, double Weight)[] Categories =
    [
        ("component.public-facilities", 10), ("component.roads-traffic", 8), ("component.city-appearance", 12), ("component.greenery", 5),
        ("component.buildings-land", 3), ("component.other", 2), ("event.environment", 12), ("event.advertising", 6),
        ("event.construction", 6), ("event.street-order", 12), ("event.utilities-outage", 4), ("event.other", 3),
        ("governance.neighbour-dispute", 8), ("governance.care-visit", 4), ("governance.safety-hazard", 5), ("governance.complex", 2),
        ("event.emergency", 1), ("governance.public-security", 2),
    ];

    private static readonly string[] ExtensionReasons =
    [
        "需协调相关部门联合处置，申请延期", "待业主委员会表决后实施，申请延期", "所需材料尚未到货，申请延期", "涉及产权争议，需进一步核实，申请延期",
    ];

    private static readonly string[] CameraCategories = ["component.city-appearance", "event.environment", "event.street-order", "event.advertising"];

    private static readonly (string Source, double Weight)[] Sources =
    [
        ("residentApp", 35), ("gridPatrol", 30), ("hotline12345", 20), ("camera", 8), ("police", 4), ("higherLevel", 3),
    ];

    public static IReadOnlyList<CasePlan> Build(DistrictPlan district, int seed, int count)
    {
        var shapes = district.Territory.ToDictionary(t => t.Code, t => t.Shape, StringComparer.Ordinal);
        var gridWeights = district.Grids.Select(g => g.Weight).ToArray();
        var states = DealStates(seed, count);
        var cases = new List<CasePlan>(count);
        for (var i = 0; i < count; i++)
        {
            var rng = Rng.For(seed, "case", i);
            var (state, twoHour) = states[i];
            if (state == "merged" && Original(rng, cases) is { } original)
            {
                cases.Add(Duplicate(rng, i, original));
                continue;
            }

            if (state == "merged")
            {
                // Nothing earlier to be a duplicate of (not in the first deck, which starts with an open case).
                state = "reported";
            }

            var grid = district.Grids[rng.PickWeighted(gridWeights)];
            var (lat, lon) = Inside(shapes[grid.Code], rng);
            var category = twoHour ? rng.Pick(TwoHourCategories) : Categories[rng.PickWeighted(Categories.Select(c => c.Weight).ToArray())].Code;
            var source = Sources[rng.PickWeighted(Sources.Select(s => s.Weight).ToArray())].Source;
            source = source switch
            {
                "camera" when !CameraCategories.Contains(category) => "gridPatrol",
                "police" when category is not ("governance.public-security" or "governance.neighbour-dispute" or "event.street-order") => "hotline12345",
                _ => source,
            };

            var (first, last) = DaysOf[state];
            var day = twoHour ? rng.Between(Days - 1, Days) : Day(rng, first, last);
            var person = source is "residentApp" or "hotline12345";
            var male = rng.Chance(0.5);
            cases.Add(new CasePlan(
                i,
                day,
                grid.Code,
                lat,
                lon,
                category,
                source,
                twoHour || rng.Chance(0.05),
                CaseTexts.Description(rng, category),
                rng.Chance(0.7) ? CaseTexts.Address(rng, grid.Urban) : null,
                person ? Names.Surname(rng) + Names.Given(rng, male) : null,
                person ? CaseTexts.Phone(rng) : null,
                source == "camera"
                    ? new CameraPlan(Math.Round(rng.Between(0.62, 0.98), 2), $"https://media.tianya.example/snapshots/{seed}/{i}.jpg", $"460204{rng.Between(0, 99_999_999):D8}131{rng.Between(0, 999):D3}")
                    : null,
                state,
                Steps(rng, new StepContext(seed, i, state, twoHour, grid.Code, category, source == "camera")),
                null));
        }

        return cases;
    }

    /// <summary>Deck by deck, each shuffled by its own stream; the first deck starts with a case that stays open.</summary>
    private static (string State, bool TwoHour)[] DealStates(int seed, int count)
    {
        var dealt = new (string, bool)[count];
        for (var deck = 0; deck * DeckSize < count; deck++)
        {
            var cards = Deck.SelectMany(c => Enumerable.Repeat((c.State, c.TwoHour), c.Cards)).ToList();
            Rng.For(seed, "case-deck", deck).Shuffle(cards);
            if (deck == 0 && !StaysOpen(cards[0].State))
            {
                // A duplicate needs an earlier case that stays open: the very first case is one.
                var swap = cards.FindIndex(c => StaysOpen(c.State));
                (cards[0], cards[swap]) = (cards[swap], cards[0]);
            }

            for (var c = 0; c < DeckSize && deck * DeckSize + c < count; c++)
            {
                dealt[deck * DeckSize + c] = cards[c];
            }
        }

        return dealt;
    }

    /// <summary>
    /// An earlier case the duplicate repeats, one the demo leaves open: a merge needs its original open, also when a
    /// later run grows the month (<c>--cases 600</c> after <c>--cases 60</c>) and the originals have had their actions.
    /// </summary>
    private static CasePlan? Original(Rng rng, List<CasePlan> earlier)
    {
        var candidates = earlier.Where(c => StaysOpen(c.FinalState)).ToArray();
        return candidates.Length == 0 ? null : candidates[rng.Next(candidates.Length)];
    }

    private static bool StaysOpen(string state) => state is "reported" or "filed" or "dispatched" or "inProgress" or "resolved";

    /// <summary>The same problem reported again, 8 to 20 m away on the same day: flagged a probable duplicate and merged.</summary>
    private static CasePlan Duplicate(Rng rng, int index, CasePlan original)
    {
        var metres = rng.Between(8.0, 20.0);
        var bearing = rng.Between(0.0, 2 * Math.PI);
        var lat = Math.Round(original.Lat + metres * Math.Cos(bearing) / 110_574, 6);
        var lon = Math.Round(original.Lon + metres * Math.Sin(bearing) / (111_320 * Math.Cos(original.Lat * Math.PI / 180)), 6);
        var source = rng.Chance(0.6) ? "hotline12345" : "residentApp";
        return new CasePlan(
            index, original.Day, original.GridCode, lat, lon, original.Category, source, original.Urgent,
            CaseTexts.Again(rng, original.Description), original.Address, Names.Surname(rng) + Names.Given(rng, rng.Chance(0.5)),
            CaseTexts.Phone(rng), null, "merged",
            [new CaseStep("merge", new CaseActionBody(Note: "与已受理案件为同一问题，合并处理"))], original.Index);
    }

    /// <summary>Weekdays bring more reports than weekends (day 30 is a Thursday, as the month is told).</summary>
    private static int Day(Rng rng, int first, int last)
    {
        var weights = Enumerable.Range(first, last - first + 1).Select(d => (Days - d) % 7 is 5 or 6 ? 0.6 : 1.0).ToArray();
        return first + rng.PickWeighted(weights);
    }

    /// <summary>A point well inside the quad (10–90 % of the way across each way), rounded to 10⁻⁶° (about 0.1 m).</summary>
    internal static (double Lat, double Lon) Inside(GeoQuad q, Rng rng)
    {
        var t = rng.Between(0.1, 0.9);
        var s = rng.Between(0.1, 0.9);
        var west = q.WestNorth + t * (q.WestSouth - q.WestNorth);
        var east = q.EastNorth + t * (q.EastSouth - q.EastNorth);
        return (Math.Round(q.North - t * (q.North - q.South), 6), Math.Round(west + s * (east - west), 6));
    }

    /// <summary>What a case's actions depend on besides its random stream.</summary>
    private sealed record StepContext(int Seed, int Index, string State, bool TwoHour, string Grid, string Category, bool Camera)
    {
        /// <summary>A photo the handler's device uploaded (GridGov keeps links, not files): one URL per case, step and photo.</summary>
        public string Photo(string step, int n) => $"https://media.tianya.example/evidence/{Seed}/{Index}-{step}-{n}.jpg";
    }

    /// <summary>
    /// The actions from <c>reported</c> to the final state, with the loop's detours: return, extension (approved or
    /// denied), escalation, rework. Some cases of a department's categories go to the department instead of a worker.
    /// </summary>
    private static List<CaseStep> Steps(Rng rng, StepContext c)
    {
        var (state, twoHour, grid, camera) = (c.State, c.TwoHour, c.Grid, c.Camera);
        var steps = new List<CaseStep>();
        void Add(string action, CaseActionBody? body = null) => steps.Add(new CaseStep(action, body ?? new CaseActionBody()));
        var worker = StaffPlans.Worker(grid, rng.Between(1, 2));
        switch (state)
        {
            case "reported":
                return steps;
            case "rejected":
                Add("reject", new CaseActionBody(Note: camera ? "识别有误，现场无此问题" : rng.Pick(CaseTexts.RejectNotes), Photos: [c.Photo("rejected", 1)]));
                return steps;
        }

        Add("file", new CaseActionBody(Note: "经核实，予以立案"));
        if (state == "filed")
        {
            if (rng.Chance(0.3))
            {
                Add("escalate", new CaseActionBody(Note: "需社区协调处置"));
            }

            return steps;
        }

        if (!twoHour && StaffPlans.DepartmentOf.TryGetValue(c.Category, out var department) && rng.Chance(0.35))
        {
            // 派遣至职能部门: the district's department for the category handles it, not the grid.
            worker = $"department:{department}";
        }
        else if (!twoHour && rng.Chance(0.12))
        {
            Add("dispatch", new CaseActionBody(Assignee: worker));
            Add("return", new CaseActionBody(Note: "不属本网格职责，退回重派"));
            worker = StaffPlans.Worker(grid, worker.EndsWith('1') ? 2 : 1);
        }

        Add("dispatch", new CaseActionBody(Assignee: worker));
        if (state == "dispatched")
        {
            Escalate(rng, twoHour, Add);
            return steps;
        }

        if (state != "inProgress" && !twoHour && rng.Chance(0.1))
        {
            // Escalated before it was taken up, then handled at the community: the loop goes on from there.
            Add("escalate", new CaseActionBody(Note: "网格力量不足，上报社区协调"));
        }

        Add("accept");
        if (state == "inProgress")
        {
            if (!twoHour && rng.Chance(0.5))
            {
                Add("request-extension", new CaseActionBody(Hours: rng.Pick([24, 48, 72]), Reason: rng.Pick(ExtensionReasons)));
                var answer = rng.NextDouble();
                if (answer < 0.5)
                {
                    Add("approve-extension", new CaseActionBody(Note: "同意延期"));
                }
                else if (answer < 0.85)
                {
                    Add("deny-extension", new CaseActionBody(Reason: "事项可在时限内办结，不予延期，请抓紧处置"));
                }
            }

            Escalate(rng, twoHour, Add);
            return steps;
        }

        var photos = rng.Between(1, 3);
        Add("resolve", new CaseActionBody(Note: rng.Pick(CaseTexts.ResolveNotes), Photos: Enumerable.Range(1, photos).Select(n => c.Photo("resolved", n)).ToArray()));
        if (state == "resolved")
        {
            return steps;
        }

        if (rng.Chance(0.15))
        {
            Add("rework", new CaseActionBody(Note: "核查未通过：问题仍存在，返工"));
            Add("accept");
            Add("resolve", new CaseActionBody(Note: "已返工处理，现场复核无误", Photos: [c.Photo("reworked", 1)]));
        }

        Add("verify", new CaseActionBody(Note: "现场核查属实，结案"));
        if (state == "evaluated")
        {
            var satisfaction = 1 + rng.PickWeighted([0.05, 0.07, 0.13, 0.30, 0.45]);
            var resolved = satisfaction >= 3 || rng.Chance(0.3);
            Add("evaluate", new CaseActionBody(Satisfaction: satisfaction, Resolved: resolved, Comment: CaseTexts.Comment(rng, satisfaction)));
        }

        return steps;
    }

    /// <summary>An open case of the usual tiers is escalated now and then (to the community, sometimes on to the street).</summary>
    private static void Escalate(Rng rng, bool twoHour, Action<string, CaseActionBody?> add)
    {
        // The 2-hour cases are escalated by the platform itself when their deadline passes.
        if (twoHour || !rng.Chance(0.3))
        {
            return;
        }

        add("escalate", new CaseActionBody(Note: "网格无法独立解决，上报社区"));
        if (rng.Chance(0.3))
        {
            add("escalate", new CaseActionBody(Note: "涉及多个部门，上报街道协调"));
        }
    }
}
