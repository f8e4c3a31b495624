using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Points;

[GenerateSerializer, Alias("gridgov.points-ledger-state")]
internal sealed class PointsLedgerState
{
    /// <summary>Append-only, by sequence number (1, 2, 3…).</summary>
    [Id(0)] public List<PointEntry> Entries { get; set; } = [];

    /// <summary>"{rule}|{source}" → the entry that paid it; "reverse|{seq}" → the entry that reversed entry seq.</summary>
    [Id(1)] public Dictionary<string, long> Paid { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public long Balance { get; set; }

    [Id(3)] public List<CareVisit> Visits { get; set; } = [];

    /// <summary>The entries up to this sequence number are in the read model (as of the last state write).</summary>
    [Id(4)] public long ProjectedThrough { get; set; }
}

/// <summary>
/// A member's points. Every grant goes through this one activation, one at a time, so the same (rule, source) pays once
/// however many copies of its event arrive, and at the same moment; the pairs paid are stored with the entries. The
/// entries reach the leaderboards' table after the state is written (<see cref="ProjectAsync"/>); a failed table write
/// is retried with the next change or the next activation, and the table ignores an entry it already has.
/// </summary>
internal sealed partial class PointsLedgerGrain(
    [PersistentState("points-ledger", ProviderNames.MainStorage)] IPersistentState<PointsLedgerState> state,
    PointRuleCache rules,
    IPointsReadModel readModel,
    TimeProvider time,
    ILogger<PointsLedgerGrain> logger) : Grain, IPointsLedgerGrain
{
    private const int MaxEntries = 100_000;

    private string Id => this.GetPrimaryKeyString();

    private bool IsResident => PeopleIds.IsValid(Id, "R");

    public override Task OnActivateAsync(CancellationToken cancellationToken) => ProjectAsync();

    async Task<PointGrantResult> IPointsLedgerGrain.GrantAsync(PointGrant grant)
    {
        RequireLedgerId();
        if (Find(grant) is { } paid)
        {
            return new(GrantOutcome.Duplicate, paid, state.State.Balance);
        }

        var set = await rules.GetAsync(GrainFactory, DistrictCode.Of(Id), grant.RuleCode);
        var scope = await ScopeAsync(grant.GridCode);
        var result = Append(grant, set, scope);
        if (result.Outcome == GrantOutcome.Granted)
        {
            await SaveAsync();
        }

        return result;
    }

    async Task<PointGrantResult> IPointsLedgerGrain.CorrectAsync(long seq, string reason, string actor)
    {
        RequireLedgerId();
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > 500)
        {
            throw DomainException.Invalid("reason", "A correction gives its reason: 1 to 500 characters.");
        }

        var original = state.State.Entries.FirstOrDefault(e => e.Seq == seq)
            ?? throw DomainException.Invalid("entry", $"Ledger {Id} has no entry {seq}.");
        if (original.Reverses is not null)
        {
            throw DomainException.Conflict($"Entry {seq} is itself a correction; correct the entry it reverses, or grant anew.", "entry");
        }

        if (state.State.Paid.TryGetValue($"reverse|{seq}", out var done))
        {
            throw DomainException.Conflict($"Entry {seq} was already reversed by entry {done}.", "entry");
        }

        var now = time.GetUtcNow();
        var entry = new PointEntry(
            NextSeq, original.RuleCode, original.RuleVersion, -original.Points, $"correction:{seq}", actor, now,
            PointPeriods.DayOf(now), reason.Trim(), seq, original.Scope);
        Add(entry, $"reverse|{seq}");
        await SaveAsync();
        return new(GrantOutcome.Granted, entry, state.State.Balance);
    }

    Task<PointStatement> IPointsLedgerGrain.StatementAsync(long? after, int limit)
    {
        var entries = state.State.Entries;
        var start = after is { } a ? entries.FindIndex(e => e.Seq > a) : 0;
        if (start < 0)
        {
            return Task.FromResult(new PointStatement(Id, state.State.Balance, [], null));
        }

        var balance = entries.Take(start).Sum(e => (long)e.Points);
        var lines = new List<StatementLine>();
        foreach (var entry in entries.Skip(start).Take(limit))
        {
            balance += entry.Points;
            lines.Add(new StatementLine(entry, balance));
        }

        long? next = start + lines.Count < entries.Count ? lines[^1].Entry.Seq : null;
        return Task.FromResult(new PointStatement(Id, state.State.Balance, lines, next));
    }

    async Task<PointRecount> IPointsLedgerGrain.RecountAsync()
    {
        var recounted = state.State.Entries.Sum(e => (long)e.Points);
        var kept = state.State.Balance;
        if (recounted != kept)
        {
            LogBalanceRepaired(logger, Id, kept, recounted);
            state.State.Balance = recounted;
            await state.WriteStateAsync();
        }

        await ProjectAsync();
        return new PointRecount(Id, kept, recounted, state.State.Entries.Count);
    }

    private long NextSeq => state.State.Entries.Count == 0 ? 1 : state.State.Entries[^1].Seq + 1;

    private PointEntry? Find(PointGrant grant) =>
        state.State.Paid.TryGetValue(Key(grant), out var seq) ? state.State.Entries.First(e => e.Seq == seq) : null;

    private static string Key(PointGrant grant) => $"{grant.RuleCode}|{grant.Source}";

    /// <summary>Appends the rule's entry for the grant in memory (the caller writes the state), or answers why not.</summary>
    private PointGrantResult Append(PointGrant grant, PointRuleSet set, PointScope scope)
    {
        if (Find(grant) is { } paid)
        {
            return new(GrantOutcome.Duplicate, paid, state.State.Balance);
        }

        if (!Sources.IsValid(grant.Source))
        {
            throw DomainException.Invalid("source", $"'{grant.Source}' is not a source of the form case:{{id}}, visit:{{id}}, meeting:{{id}} or manual:{{id}}.");
        }

        var rule = set.InForce(grant.RuleCode, grant.Day)
            ?? throw DomainException.Conflict($"No version of rule {grant.RuleCode} is in force on {grant.Day:yyyy-MM-dd} in district {set.District}.", "ruleCode");
        // A grant by hand (Manual) pays a manual or a volunteering rule; the other triggers are paid by what they count.
        if (rule.Rule.Trigger != grant.Trigger && !(grant.Trigger == PointTrigger.Manual && rule.Rule.Trigger == PointTrigger.Volunteering))
        {
            throw DomainException.Conflict($"Rule {rule.Code} pays for {rule.Rule.Trigger}, not for {grant.Trigger}.", "ruleCode");
        }

        if (rule.Rule.Trigger == PointTrigger.Manual && string.IsNullOrWhiteSpace(grant.Reason))
        {
            throw DomainException.Invalid("reason", $"Rule {rule.Code} is granted by hand with a reason.");
        }

        if (IsResident && rule.Rule.AppliesTo != PointAudience.PartyMembersAndResidents)
        {
            throw DomainException.Conflict($"Rule {rule.Code} applies to Party members only.", "ruleCode");
        }

        if (state.State.Entries.Count >= MaxEntries)
        {
            throw DomainException.Conflict($"Ledger {Id} holds {MaxEntries} entries, the most it may.");
        }

        var points = rule.Rule.Points;
        if (rule.Rule is { Cap: { } cap, CapPeriod: { } period })
        {
            // The cap bounds what the rule pays (or costs) a member in the period, corrections included; what room is left is paid.
            var (from, to) = PointPeriods.Containing(grant.Day, period);
            var sign = Math.Sign(points);
            var used = sign * state.State.Entries
                .Where(e => e.RuleCode == rule.Code && Days.Of(e.Day) >= from && Days.Of(e.Day) <= to)
                .Sum(e => (long)e.Points);
            var room = cap - used;
            if (room <= 0)
            {
                return new(GrantOutcome.Capped, null, state.State.Balance);
            }

            points = sign * (int)Math.Min(Math.Abs(points), room);
        }

        var entry = new PointEntry(
            NextSeq, rule.Code, rule.Version, points, grant.Source, grant.GrantedBy, time.GetUtcNow(), grant.Day,
            grant.Reason?.Trim(), null, scope);
        Add(entry, Key(grant));
        return new(GrantOutcome.Granted, entry, state.State.Balance);
    }

    private void Add(PointEntry entry, string key)
    {
        state.State.Entries.Add(entry);
        state.State.Paid[key] = entry.Seq;
        state.State.Balance += entry.Points;
    }

    private async Task SaveAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // What is in memory was not stored: start again from what is.
            await state.ReadStateAsync();
            throw;
        }

        await ProjectAsync();
    }

    /// <summary>Writes the entries the read model lacks; a failure waits for the next change or activation.</summary>
    private async Task ProjectAsync()
    {
        var pending = state.State.Entries.Where(e => e.Seq > state.State.ProjectedThrough).ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        try
        {
            await readModel.AppendAsync(Id, pending, CancellationToken.None);
            state.State.ProjectedThrough = pending[^1].Seq;
        }
        catch (Exception e)
        {
            LogProjectionFailed(logger, e, Id, pending.Length);
        }
    }

    /// <summary>Where the member stands now: organization, its branch and Party-building grid, and the grid of the work.</summary>
    private async Task<PointScope> ScopeAsync(string? gridCode)
    {
        if (IsResident)
        {
            return new PointScope(null, null, null, gridCode);
        }

        var member = await GrainFactory.GetGrain<IPartyMemberGrain>(Id).GetAsync()
            ?? throw DomainException.NotFound($"Party member {Id} does not exist.");
        var organization = await GrainFactory.GetGrain<IPartyOrganizationGrain>(member.OrganizationId).GetAsync();
        if (organization is null)
        {
            return new PointScope(member.OrganizationId, null, null, gridCode);
        }

        var parent = organization is { Kind: OrganizationKind.Group, ParentId: { } parentId }
            ? await GrainFactory.GetGrain<IPartyOrganizationGrain>(parentId).GetAsync()
            : null;
        var branch = organization.Kind switch
        {
            OrganizationKind.Branch => organization.Id,
            OrganizationKind.Group => organization.ParentId,
            _ => null,
        };
        return new PointScope(organization.Id, branch, organization.PartyGridId ?? parent?.PartyGridId, gridCode ?? organization.GridCode);
    }

    private void RequireLedgerId()
    {
        if (!PeopleIds.IsValid(Id, "M") && !IsResident)
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a Party member's (or resident's) id.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Points ledger {Ledger} could not write {Count} entry(ies) to the read model; it retries with its next change")]
    private static partial void LogProjectionFailed(ILogger logger, Exception exception, string ledger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Points ledger {Ledger} kept a balance of {Kept} but its entries sum to {Recounted}; repaired")]
    private static partial void LogBalanceRepaired(ILogger logger, string ledger, long kept, long recounted);
}

/// <summary>Sources of points, and days as numbers.</summary>
internal static class Sources
{
    private static readonly string[] Kinds = ["case:", "visit:", "meeting:", "manual:"];

    public static bool IsValid(string? source) =>
        source is { Length: <= 120 } && Kinds.FirstOrDefault(k => source.StartsWith(k, StringComparison.Ordinal)) is { } kind
        && source.Length > kind.Length && source[kind.Length..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

internal static class Days
{
    public static int Of(DateOnly day) => Contracts.Cases.Metrics.DayOf(day);
}
