using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Territory;

[GenerateSerializer, Alias("gridgov.party-grid-state")]
internal sealed class PartyGridState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public List<string> GridCodes { get; set; } = [];
    [Id(3)] public long Version { get; set; }

    /// <summary>Grids this Party-building grid is claiming or releasing; settled again on activation after a crash.</summary>
    [Id(4)] public List<string> Unsettled { get; set; } = [];

    /// <summary>Every change of the set of grids, oldest first; kept after a deletion.</summary>
    [Id(5)] public List<PartyGridChange> History { get; set; } = [];
}

/// <summary>
/// A Party-building grid. Each comprehensive grid records which Party-building grid holds it, so two of them can
/// never hold the same grid. The intent is written before the grids are claimed, and settled again on activation,
/// so a crash half-way leaves no grid claimed by a Party-building grid that does not list it.
/// </summary>
internal sealed partial class PartyGridGrain(
    [PersistentState("party-grid", ProviderNames.MainStorage)] IPersistentState<PartyGridState> state,
    IPeopleReadModel people,
    TimeProvider time)
    : Grain, IPartyGridGrain
{
    private const int MaxGrids = 500;

    private string Id => this.GetPrimaryKeyString();

    private PartyGridState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Unsettled.Count > 0)
        {
            await SettleAsync(S.Unsettled);
            S.Unsettled = [];
            await state.WriteStateAsync(cancellationToken);
        }

        // Repairs the district's list after a crash between this grid's write (or deletion) and the list's.
        if (S.Exists)
        {
            await ListInDirectoryAsync();
        }
        else if (S.History.Count > 0)
        {
            await GrainFactory.GetGrain<IPartyGridDirectoryGrain>(DistrictCode.Of(Id)).RemoveAsync(Id);
        }
    }

    async Task<PartyGridUpsertResult> IPartyGridGrain.UpsertAsync(string name, IReadOnlyList<string> gridCodes, long? expectedVersion)
    {
        if (!PartyGridId.IsValid(Id))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not a Party-building grid id of the form {{district}}-PG{{n}}.");
        }

        var trimmedName = name?.Trim();
        if (string.IsNullOrEmpty(trimmedName) || trimmedName.Length > 100)
        {
            throw DomainException.Invalid("name", "A name of 1 to 100 characters is required.");
        }

        var codes = ValidateGridCodes(gridCodes);
        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw DomainException.Stale(expected, S.Version);
        }

        if (S.Exists && S.Name == trimmedName && S.GridCodes.SequenceEqual(codes))
        {
            return new PartyGridUpsertResult(UpsertOutcome.Unchanged, Snapshot());
        }

        var outcome = S.Exists ? UpsertOutcome.Updated : UpsertOutcome.Created;

        var added = codes.Except(S.GridCodes).ToList();
        var removed = S.GridCodes.Except(codes).ToList();

        S.Unsettled = [.. added, .. removed];
        await state.WriteStateAsync();

        var claimed = new List<string>();
        try
        {
            foreach (var code in added)
            {
                await GrainFactory.GetGrain<ITerritoryGrain>(code).ClaimPartyGridAsync(Id);
                claimed.Add(code);
            }
        }
        catch (DomainException)
        {
            await Task.WhenAll(claimed.Select(c => GrainFactory.GetGrain<ITerritoryGrain>(c).ReleasePartyGridAsync(Id)));
            S.Unsettled = [];
            await state.WriteStateAsync();
            throw;
        }

        if (outcome == UpsertOutcome.Created || added.Count > 0 || removed.Count > 0)
        {
            S.History.Add(new PartyGridChange(time.GetUtcNow(), Actor(), outcome == UpsertOutcome.Created ? "created" : "grids-changed", codes, added, removed));
        }

        S.Exists = true;
        S.Name = trimmedName;
        S.GridCodes = codes;
        S.Version++;
        await state.WriteStateAsync();

        await SettleAsync(removed);
        S.Unsettled = [];
        await state.WriteStateAsync();
        await ListInDirectoryAsync();
        return new PartyGridUpsertResult(outcome, Snapshot());
    }

    Task<PartyGridSnapshot?> IPartyGridGrain.GetAsync() => Task.FromResult(S.Exists ? Snapshot() : null);

    /// <summary>Makes each grid's claim agree with this grid's list: listed grids are claimed, others released.</summary>
    private Task SettleAsync(IEnumerable<string> codes) => Task.WhenAll(codes.Select(code =>
    {
        var grid = GrainFactory.GetGrain<ITerritoryGrain>(code);
        return S.GridCodes.Contains(code) ? grid.ClaimPartyGridAsync(Id) : grid.ReleasePartyGridAsync(Id);
    }));

    private List<string> ValidateGridCodes(IReadOnlyList<string>? gridCodes)
    {
        if (gridCodes is null || gridCodes.Count == 0)
        {
            throw DomainException.Invalid("gridCodes", "At least one comprehensive grid is required.");
        }

        if (gridCodes.Count > MaxGrids)
        {
            throw DomainException.Invalid("gridCodes", $"At most {MaxGrids} grids.");
        }

        var district = DistrictCode.Of(Id);
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < gridCodes.Count; i++)
        {
            var code = gridCodes[i]?.Trim();
            if (!TerritoryCode.IsValid(code) || TerritoryCode.LevelOf(code!) != TerritoryLevel.Grid)
            {
                throw DomainException.Invalid($"gridCodes[{i}]", $"'{code}' is not a 15-digit comprehensive grid code.");
            }

            if (DistrictCode.Of(code!) != district)
            {
                throw DomainException.Invalid($"gridCodes[{i}]", $"Grid {code} is not in district {district}.");
            }

            if (!codes.Add(code!))
            {
                throw DomainException.Invalid($"gridCodes[{i}]", $"Grid {code} appears twice.");
            }
        }

        return [.. codes];
    }

    private PartyGridSnapshot Snapshot() => new(Id, S.Name, S.GridCodes, S.Version);
}
