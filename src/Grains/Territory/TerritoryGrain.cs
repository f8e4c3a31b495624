using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Territory;

[GenerateSerializer, Alias("gridgov.territory-state")]
internal sealed class TerritoryState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string? Boundary { get; set; }
    [Id(3)] public List<StaffMember> Staff { get; set; } = [];
    [Id(4)] public long Version { get; set; }
    [Id(5)] public Dictionary<string, TerritoryChild> Children { get; set; } = [];
    [Id(6)] public string? PartyGridId { get; set; }

    /// <summary>Retired nodes stay readable but take no writes, and locate no longer answers them.</summary>
    [Id(7)] public DateTimeOffset? RetiredAt { get; set; }

    [Id(8)] public string? Successor { get; set; }

    /// <summary>Since when the present boundary is in force (null: set before boundaries were dated).</summary>
    [Id(9)] public DateTimeOffset? BoundarySince { get; set; }

    /// <summary>The boundaries this node had before the present one, oldest first.</summary>
    [Id(10)] public List<BoundaryPeriod> EarlierBoundaries { get; set; } = [];
}

/// <summary>
/// One node of the territory tree. The node is the source of truth; its parent's child list and its district's
/// spatial index are kept in step after each write, and again on activation, so a crash between the two only delays
/// them (both take the update idempotently, by version).
/// </summary>
internal sealed partial class TerritoryGrain(
    [PersistentState("territory", ProviderNames.MainStorage)] IPersistentState<TerritoryState> state,
    IPeopleReadModel people,
    TimeProvider time,
    ILogger<TerritoryGrain> logger) : Grain, ITerritoryGrain
{
    private const int MaxNameLength = 100;
    private const int MaxStaff = 200;

    private string Code => this.GetPrimaryKeyString();

    private TerritoryState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!S.Exists && S.Version == 0)
        {
            return;
        }

        try
        {
            // A deleted node repeats the removal from its parent and the index, which a crash may have cut off.
            await (S.Exists ? SyncNeighboursAsync() : SyncRemovalAsync());
        }
        catch (Exception e)
        {
            LogSyncFailed(logger, e, Code);
        }
    }

    async Task<TerritoryUpsertResult> ITerritoryGrain.UpsertAsync(TerritoryUpsert update, long? expectedVersion, bool createOnly)
    {
        if (!TerritoryCode.IsValid(Code))
        {
            throw DomainException.Invalid("code", $"'{Code}' is not {TerritoryCode.FormatDescription}.");
        }

        var level = TerritoryCode.LevelOf(Code);
        var name = ValidateName(update.Name);
        var boundary = update.Boundary is null ? null : Boundaries.Normalize(update.Boundary);
        var staff = update.KeepStaff && S.Exists ? S.Staff : ValidateStaff(update.Staff, level);

        if (S.Exists && createOnly)
        {
            throw DomainException.Conflict($"Territory {Code} already exists.", "code");
        }

        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw DomainException.Stale(expected, S.Version);
        }

        if (S.RetiredAt is not null)
        {
            throw DomainException.Conflict($"Territory {Code} is retired (successor {S.Successor ?? "none"}); a retired node takes no changes.", "code");
        }

        if (S.Exists && S.Name == name && S.Boundary == boundary && S.Staff.SequenceEqual(staff))
        {
            return new TerritoryUpsertResult(UpsertOutcome.Unchanged, Snapshot());
        }

        var created = !S.Exists;
        if (created && TerritoryCode.ParentOf(Code) is { } parentCode)
        {
            var linked = await GrainFactory.GetGrain<ITerritoryGrain>(parentCode).GetAsync();
            if (linked is null)
            {
                throw DomainException.Invalid("code", $"The parent {parentCode} of {Code} does not exist; create it first.");
            }

            if (linked.Retired)
            {
                throw DomainException.Conflict($"The parent {parentCode} of {Code} is retired; a retired node takes no new children.", "code");
            }
        }

        var now = time.GetUtcNow();
        if (!S.Exists)
        {
            // A node created again after a deletion starts a new history.
            S.EarlierBoundaries = [];
            S.BoundarySince = boundary is null ? null : now;
        }
        else if (S.Boundary != boundary)
        {
            if (S.Boundary is not null)
            {
                S.EarlierBoundaries.Add(new BoundaryPeriod(S.Boundary, S.BoundarySince, now));
            }

            S.BoundarySince = boundary is null ? null : now;
        }

        S.Exists = true;
        S.Name = name;
        S.Boundary = boundary;
        S.Staff = staff;
        S.Version++;
        await state.WriteStateAsync();

        await SyncNeighboursAsync();
        return new TerritoryUpsertResult(created ? UpsertOutcome.Created : UpsertOutcome.Updated, Snapshot());
    }

    Task<TerritorySnapshot?> ITerritoryGrain.GetAsync() => Task.FromResult(S.Exists ? Snapshot() : null);

    Task<IReadOnlyList<TerritoryChild>?> ITerritoryGrain.GetChildrenAsync() =>
        Task.FromResult<IReadOnlyList<TerritoryChild>?>(
            S.Exists ? S.Children.Values.OrderBy(c => c.Code, StringComparer.Ordinal).ToArray() : null);

    async Task ITerritoryGrain.LinkChildAsync(TerritoryChild child)
    {
        if (!S.Exists)
        {
            throw DomainException.NotFound($"Territory {Code} does not exist.");
        }

        if (TerritoryCode.ParentOf(child.Code) != Code)
        {
            throw DomainException.Invalid("code", $"{child.Code} is not a child of {Code}.");
        }

        if (S.Children.TryGetValue(child.Code, out var known) && known == child)
        {
            return;
        }

        S.Children[child.Code] = child;
        await state.WriteStateAsync();
    }

    async Task ITerritoryGrain.ClaimPartyGridAsync(string partyGridId)
    {
        if (!S.Exists || TerritoryCode.LevelOf(Code) != TerritoryLevel.Grid)
        {
            throw DomainException.Invalid("gridCodes", $"{Code} is not an existing comprehensive grid.");
        }

        if (S.PartyGridId == partyGridId)
        {
            return;
        }

        if (S.RetiredAt is not null)
        {
            throw DomainException.Invalid("gridCodes", $"Grid {Code} is retired (successor {S.Successor ?? "none"}).");
        }

        if (S.PartyGridId is not null)
        {
            throw DomainException.Conflict($"Grid {Code} already belongs to Party-building grid {S.PartyGridId}.", "gridCodes");
        }

        S.PartyGridId = partyGridId;
        await state.WriteStateAsync();
    }

    async Task ITerritoryGrain.ReleasePartyGridAsync(string partyGridId)
    {
        if (S.PartyGridId != partyGridId)
        {
            return;
        }

        S.PartyGridId = null;
        await state.WriteStateAsync();
    }

    /// <summary>Brings the parent's child list and the district's index up to this node's version.</summary>
    private async Task SyncNeighboursAsync()
    {
        var level = TerritoryCode.LevelOf(Code);
        var tasks = new List<Task>(2)
        {
            // A retired node keeps its boundary but leaves it out of the index, so locate never answers it.
            GrainFactory.GetGrain<ITerritoryIndexGrain>(DistrictCode.Of(Code))
                .UpsertAsync(new TerritoryIndexEntry(Code, S.Name, S.RetiredAt is null ? S.Boundary : null, S.Version)),
        };
        if (TerritoryCode.ParentOf(Code) is { } parentCode)
        {
            tasks.Add(GrainFactory.GetGrain<ITerritoryGrain>(parentCode).LinkChildAsync(new TerritoryChild(Code, S.Name, level)));
        }

        await Task.WhenAll(tasks);
    }

    private TerritorySnapshot Snapshot() => new(
        Code, S.Name, TerritoryCode.LevelOf(Code), TerritoryCode.ParentOf(Code), S.Boundary, S.Staff, S.Version, S.PartyGridId,
        S.RetiredAt is not null, S.RetiredAt, S.Successor);

    private static string ValidateName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw DomainException.Invalid("name", "A name is required.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw DomainException.Invalid("name", $"The name is longer than {MaxNameLength} characters.");
        }

        return trimmed;
    }

    private static List<StaffMember> ValidateStaff(IReadOnlyList<StaffMember>? staff, TerritoryLevel level)
    {
        staff ??= [];
        if (staff.Count > MaxStaff)
        {
            throw DomainException.Invalid("staff", $"At most {MaxStaff} staff members.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < staff.Count; i++)
        {
            var member = staff[i];
            if (string.IsNullOrWhiteSpace(member.Id) || member.Id.Length > 64)
            {
                throw DomainException.Invalid($"staff[{i}].id", "A staff id of 1 to 64 characters is required.");
            }

            if (!ids.Add(member.Id))
            {
                throw DomainException.Invalid($"staff[{i}].id", $"Staff id '{member.Id}' appears twice.");
            }

            if (string.IsNullOrWhiteSpace(member.Name) || member.Name.Length > MaxNameLength)
            {
                throw DomainException.Invalid($"staff[{i}].name", $"A staff name of 1 to {MaxNameLength} characters is required.");
            }

            if (member.Role == StaffRole.MicroGridChief && level != TerritoryLevel.MicroGrid)
            {
                throw DomainException.Invalid($"staff[{i}].role", "A micro-grid chief belongs to a micro-grid.");
            }

            if (member.Role == StaffRole.GridChief && staff.Take(i).Any(m => m.Role == StaffRole.GridChief))
            {
                throw DomainException.Invalid($"staff[{i}].role", "A node has at most one grid chief.");
            }
        }

        return staff.Select(m => m with { Id = m.Id.Trim(), Name = m.Name.Trim() }).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Territory {Code} could not sync its parent and index on activation")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string code);
}
