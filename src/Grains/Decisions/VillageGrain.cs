using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.Decisions;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Decisions;

[GenerateSerializer, Alias("gridgov.village-state")]
internal sealed class VillageState
{
    [Id(0)] public VillageSnapshot? Village { get; set; }

    /// <summary>Every decision of the village, oldest first.</summary>
    [Id(1)] public List<string> Decisions { get; set; } = [];

    /// <summary>The decisions on the public board (from their first disclosure on), oldest first.</summary>
    [Id(2)] public List<string> Disclosed { get; set; } = [];
}

/// <summary>
/// A village: its villagers' committee, the cadres sent down to it, and the ids of its decisions (bounded), which are
/// the lists of its board and its staff view: nothing ever scans the decisions' grains.
/// </summary>
internal sealed class VillageGrain(
    [PersistentState("village", ProviderNames.MainStorage)] IPersistentState<VillageState> state,
    TimeProvider time) : Grain, IVillageGrain
{
    /// <summary>A village takes a few dozen matters a year; the bound keeps its state, and the lists' pages, small.</summary>
    public const int MaxDecisions = 5000;
    private const int MaxCommittee = 30;
    private const int MaxCadres = 30;
    private const int MaxName = 100;

    private string Code => this.GetPrimaryKeyString();

    async Task<VillageSnapshot> IVillageGrain.PutAsync(VillageUpsert village, long? expectedVersion)
    {
        var name = Text(village.Name, "name", MaxName);
        if (village.Committee.Count > MaxCommittee)
        {
            throw DomainException.Invalid("committee", $"A committee has at most {MaxCommittee} members.");
        }

        var committee = village.Committee.Select((m, i) => m with { Name = Text(m.Name, $"committee[{i}].name", MaxName) }).ToArray();
        if (committee.Count(m => m.Post == CommitteePost.Chair) > 1)
        {
            throw DomainException.Invalid("committee", "A committee has one chair.");
        }

        if (village.Cadres.Count > MaxCadres)
        {
            throw DomainException.Invalid("cadres", $"At most {MaxCadres} cadres are recorded.");
        }

        var cadres = village.Cadres.Select((c, i) => c with
        {
            Name = Text(c.Name, $"cadres[{i}].name", MaxName),
            SendingUnit = Text(c.SendingUnit, $"cadres[{i}].sendingUnit", 200),
            To = c.To is { } to && to < c.From ? throw DomainException.Invalid($"cadres[{i}].to", "A term ends after it starts.") : c.To,
            StaffId = string.IsNullOrWhiteSpace(c.StaffId) ? null : c.StaffId.Trim(),
        }).ToArray();
        if (cadres.Where(c => c.StaffId is not null).GroupBy(c => c.StaffId).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw DomainException.Invalid("cadres", $"Staff id '{twice.Key}' is given to two cadres.");
        }

        if (TerritoryCode.LevelOf(Code) != TerritoryLevel.Community)
        {
            throw DomainException.Invalid("code", $"A village is a community-level node (12 digits); '{Code}' is not.");
        }

        if (await GrainFactory.GetGrain<ITerritoryGrain>(Code).GetAsync() is null)
        {
            throw DomainException.NotFound($"Territory {Code} does not exist.");
        }

        var current = state.State.Village;
        if (expectedVersion is { } expected && expected != (current?.Version ?? 0))
        {
            throw DomainException.Stale(expected, current?.Version ?? 0);
        }

        state.State.Village = new VillageSnapshot(
            Code, name, committee, village.SecretaryIsChair, cadres, state.State.Decisions.Count, (current?.Version ?? 0) + 1, time.GetUtcNow());
        await state.WriteStateAsync();
        return state.State.Village;
    }

    Task<bool> IVillageGrain.IsServingCadreAsync(string staffId, DateOnly day) =>
        Task.FromResult(state.State.Village?.Cadres.Any(c => c.StaffId == staffId && c.Serves(day)) == true);

    Task<VillageSnapshot?> IVillageGrain.GetAsync() =>
        Task.FromResult(state.State.Village is { } v ? v with { Decisions = state.State.Decisions.Count } : null);

    async Task<DecisionSnapshot> IVillageGrain.OpenDecisionAsync(NewDecision decision)
    {
        DecisionRules.CheckNew(decision);
        _ = state.State.Village ?? throw DomainException.NotFound($"Village {Code} does not exist.");
        if (state.State.Decisions.Count >= MaxDecisions)
        {
            throw new DecisionRuleException("village-decision-limit", $"Village {Code} has {MaxDecisions} decisions, the most it lists.");
        }

        // Listed first, created second: a decision that failed to be created is a listed id without a decision, which
        // the lists skip; a created decision that is not listed could never be found.
        var id = DecisionIds.New(DistrictCode.Of(Code), time.GetUtcNow());
        state.State.Decisions.Add(id);
        await state.WriteStateAsync();
        return await GrainFactory.GetGrain<IDecisionGrain>(id).CreateAsync(Code, decision);
    }

    async Task IVillageGrain.NoteDisclosedAsync(string decisionId)
    {
        if (!state.State.Decisions.Contains(decisionId) || state.State.Disclosed.Contains(decisionId))
        {
            return;
        }

        state.State.Disclosed.Add(decisionId);
        await state.WriteStateAsync();
    }

    Task<DecisionIdPage?> IVillageGrain.ListAsync(int cursor, int limit, bool disclosedOnly)
    {
        if (state.State.Village is null)
        {
            return Task.FromResult<DecisionIdPage?>(null);
        }

        var list = disclosedOnly ? state.State.Disclosed : state.State.Decisions;
        // Newest first, the cursor counting from the newest: a decision opened between two pages shows an item of the
        // first page again on the next, which a notice board tolerates better than a page of the past that changes.
        var ids = Enumerable.Range(0, list.Count).Select(i => list[list.Count - 1 - i]).Skip(cursor).Take(limit).ToArray();
        int? next = cursor + ids.Length < list.Count ? cursor + ids.Length : null;
        return Task.FromResult<DecisionIdPage?>(new DecisionIdPage(ids, next));
    }

    private static string Text(string? value, string field, int max)
    {
        var text = value?.Trim() ?? "";
        return text.Length is 0 || text.Length > max
            ? throw DomainException.Invalid(field, $"{field} is 1 to {max} characters.")
            : text;
    }
}
