using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.Points;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Points;

[GenerateSerializer, Alias("gridgov.point-rules-state")]
internal sealed class PointRulesState
{
    [Id(0)] public List<PointRule> Rules { get; set; } = [];

    [Id(1)] public long Revision { get; set; }
}

/// <summary>
/// A district's point rules. A change is a new version with its own effective date; versions are never edited, so an
/// entry that names (code, version) always finds what it was granted under.
/// </summary>
internal sealed class PointRulesGrain(
    [PersistentState("point-rules", ProviderNames.MainStorage)] IPersistentState<PointRulesState> state,
    TimeProvider time) : Grain, IPointRulesGrain
{
    private const int MaxRules = 200;
    private const int MaxPoints = 1000;

    private string District => this.GetPrimaryKeyString();

    async Task<PointRule> IPointRulesGrain.PutAsync(string code, PointRuleDraft draft, string actor)
    {
        Validate(code, draft);
        var versions = state.State.Rules.Where(r => r.Code == code).OrderBy(r => r.Version).ToList();
        var latest = versions.LastOrDefault();
        if (latest is not null)
        {
            if (latest.Rule == draft)
            {
                return latest;
            }

            if (latest.Rule.Trigger != draft.Trigger)
            {
                throw DomainException.Conflict($"Rule {code} is triggered by {latest.Rule.Trigger}; a rule keeps its trigger (write a new rule for another).", "trigger");
            }

            if (draft.EffectiveFrom < latest.Rule.EffectiveFrom)
            {
                throw DomainException.Conflict(
                    $"Version {latest.Version} of rule {code} is effective from {latest.Rule.EffectiveFrom:yyyy-MM-dd}; a new version takes effect on or after it.", "effectiveFrom");
            }
        }
        else if (state.State.Rules.Select(r => r.Code).Distinct().Count() >= MaxRules)
        {
            throw DomainException.Conflict($"District {District} has {MaxRules} rules, the most it may have.");
        }

        var rule = new PointRule(code, (latest?.Version ?? 0) + 1, draft, time.GetUtcNow(), actor);
        state.State.Rules.Add(rule);
        state.State.Revision++;
        await state.WriteStateAsync();
        return rule;
    }

    Task<PointRuleSet> IPointRulesGrain.GetAsync() => Task.FromResult(Set());

    Task<PointRuleSet?> IPointRulesGrain.ChangedSinceAsync(long revision) =>
        Task.FromResult(revision == state.State.Revision ? null : Set());

    private PointRuleSet Set() => new(District, state.State.Revision, state.State.Rules.ToArray());

    private static void Validate(string code, PointRuleDraft draft)
    {
        if (code is not { Length: >= 1 and <= 32 } || !code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw DomainException.Invalid("code", "A rule code is 1 to 32 lower-case letters, digits or '-'.");
        }

        if (string.IsNullOrWhiteSpace(draft.Name) || draft.Name.Length > 50 || draft.Name != draft.Name.Trim())
        {
            throw DomainException.Invalid("name", "name is 1 to 50 characters.");
        }

        if (draft.Points == 0 || Math.Abs(draft.Points) > MaxPoints)
        {
            throw DomainException.Invalid("points", $"points is a whole number from -{MaxPoints} to {MaxPoints}, not 0.");
        }

        if (!Enum.IsDefined(draft.Trigger))
        {
            throw DomainException.Invalid("trigger", "trigger is one of caseClosedOnTime, caseEvaluatedSatisfied, careVisit, volunteering, meetingAttended, manual.");
        }

        if (!Enum.IsDefined(draft.AppliesTo))
        {
            throw DomainException.Invalid("appliesTo", "appliesTo is partyMembers or partyMembersAndResidents.");
        }

        if (draft.Cap is { } cap && (cap < 1 || cap > 100 * MaxPoints))
        {
            throw DomainException.Invalid("cap", $"cap is from 1 to {100 * MaxPoints} points.");
        }

        if (draft.Cap is null != draft.CapPeriod is null || draft.CapPeriod is { } p && !Enum.IsDefined(p))
        {
            throw DomainException.Invalid("capPeriod", "A cap comes with its period (month, quarter or year), and a period with its cap.");
        }

        if (draft.EffectiveFrom.Year < 2000 || draft.EffectiveFrom.Year > 2100)
        {
            throw DomainException.Invalid("effectiveFrom", "effectiveFrom is a date from 2000 to 2100.");
        }
    }
}

/// <summary>
/// Each silo's copy of the districts' rule sets, so a grant does not ask the district's rules grain every time: after
/// <see cref="MaxAge"/> the copy asks whether the set's revision changed (a small answer when it has not), and a rule
/// code it does not know makes it ask at once. A new version is seen by every silo within <see cref="MaxAge"/>.
/// </summary>
public sealed class PointRuleCache(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset CheckedAt, PointRuleSet Set)> _districts = new();

    public async Task<PointRuleSet> GetAsync(IGrainFactory grains, string district, string? code = null)
    {
        var now = time.GetUtcNow();
        if (!_districts.TryGetValue(district, out var entry))
        {
            entry = (now, await grains.GetGrain<IPointRulesGrain>(district).GetAsync());
            _districts[district] = entry;
        }
        else if (now - entry.CheckedAt > MaxAge || code is not null && !entry.Set.Rules.Any(r => r.Code == code))
        {
            var changed = await grains.GetGrain<IPointRulesGrain>(district).ChangedSinceAsync(entry.Set.Revision);
            entry = (now, changed ?? entry.Set);
            _districts[district] = entry;
        }

        return entry.Set;
    }
}

/// <summary>Gives a member's staff id to the district's staff index when it changes (called by the member grain).</summary>
internal static class StaffLink
{
    public static async Task ClaimAsync(IGrainFactory grains, string memberId, string? staffId, string? previous)
    {
        staffId = staffId?.Trim();
        if (staffId is not null && (staffId.Length is < 1 or > 64 || !staffId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw DomainException.Invalid("staffId", "staffId is 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        if (staffId != previous)
        {
            await grains.GetGrain<IPointsStaffIndexGrain>(DistrictCode.Of(memberId)).ClaimAsync(memberId, staffId, previous);
        }
    }
}
