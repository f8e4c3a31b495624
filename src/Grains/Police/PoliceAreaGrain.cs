using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.Police;
using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Police;

[GenerateSerializer, Alias("gridgov.police-area-state")]
internal sealed class PoliceAreaState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string Station { get; set; } = "";
    [Id(3)] public PoliceOfficer? Officer { get; set; }
    [Id(4)] public string? Boundary { get; set; }

    /// <summary>The grids the boundary overlaps, as last computed.</summary>
    [Id(5)] public List<string> Computed { get; set; } = [];

    /// <summary>The operators' overrides: kept through every recomputation until cleared.</summary>
    [Id(6)] public List<string> Added { get; set; } = [];

    [Id(7)] public List<string> Removed { get; set; } = [];
    [Id(8)] public long Version { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(10)] public List<PoliceAreaChange> History { get; set; } = [];
}

/// <summary>
/// One police area: its officer, boundary and the comprehensive grids it is linked to. The grain is the source of
/// truth; its read-model row (lists, the map layer, finding a case's area) is written after each change and again on
/// activation, so a crash between the two only delays the row (the row takes the write by version).
/// </summary>
internal sealed partial class PoliceAreaGrain(
    [PersistentState("police-area", ProviderNames.MainStorage)] IPersistentState<PoliceAreaState> state,
    ITerritoryIndexStore territory,
    IPoliceAreaStore store,
    TimeProvider time,
    ILogger<PoliceAreaGrain> logger) : Grain, IPoliceAreaGrain
{
    private const int MaxName = 100;
    private const int MaxHistory = 500;

    private string Key => this.GetPrimaryKeyString();

    private string District => DistrictCode.Of(Key);

    private PoliceAreaState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Version == 0)
        {
            return;
        }

        try
        {
            await SyncRowAsync();
        }
        catch (Exception e)
        {
            LogSyncFailed(logger, e, Key);
        }
    }

    async Task<PoliceAreaUpsertResult> IPoliceAreaGrain.PutAsync(PoliceAreaUpsert update, long? expectedVersion, bool createOnly)
    {
        if (!PoliceAreaCode.IsValidKey(Key))
        {
            throw DomainException.Invalid("code", $"'{Key}' is not a police area key {{district}}-PA{{code}} with a code of {PoliceAreaCode.FormatDescription}.");
        }

        var name = Text(update.Name, "name");
        var station = Text(update.Station, "station");
        var officer = update.Officer is { } o ? o with { Name = Text(o.Name, "officer.name") } : null;
        if (update.Boundary is null)
        {
            throw DomainException.Invalid("boundary", "A boundary (GeoJSON Polygon or MultiPolygon) is required.");
        }

        var geometry = Boundaries.Parse(update.Boundary);
        var boundary = Boundaries.Write(geometry);

        if (S.Exists && createOnly)
        {
            throw DomainException.Conflict($"Police area {PoliceAreaCode.OfKey(Key)} already exists.", "code");
        }

        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw DomainException.Stale(expected, S.Version);
        }

        if (S.Exists && S.Name == name && S.Station == station && S.Officer == officer && S.Boundary == boundary)
        {
            return new PoliceAreaUpsertResult(PoliceAreaOutcome.Unchanged, Snapshot());
        }

        var created = !S.Exists;
        var before = created ? [] : Effective();
        if (created)
        {
            // An area created again after a deletion starts afresh: no overrides, a new history.
            S.Added = [];
            S.Removed = [];
            S.History = [];
        }

        S.Computed = [.. Overlaps.Compute(geometry, await territory.LoadDistrictAsync(District, CancellationToken.None))];
        S.Exists = true;
        S.Name = name;
        S.Station = station;
        S.Officer = officer;
        S.Boundary = boundary;
        Record(created ? "created" : "updated", update.Actor, created ? "created" : "name, station, officer or boundary changed", before);
        await state.WriteStateAsync();
        await SyncRowAsync();
        return new PoliceAreaUpsertResult(created ? PoliceAreaOutcome.Created : PoliceAreaOutcome.Updated, Snapshot());
    }

    Task<PoliceAreaSnapshot?> IPoliceAreaGrain.GetAsync() => Task.FromResult(S.Exists ? Snapshot() : null);

    Task<IReadOnlyList<PoliceAreaChange>?> IPoliceAreaGrain.GetHistoryAsync() =>
        Task.FromResult<IReadOnlyList<PoliceAreaChange>?>(S.Exists ? S.History.ToArray() : null);

    async Task IPoliceAreaGrain.DeleteAsync(long? expectedVersion, string actor)
    {
        RequireExists();
        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw DomainException.Stale(expected, S.Version);
        }

        // The state stays (not cleared) so the version keeps rising across a deletion and a new creation.
        S.Exists = false;
        S.Version++;
        S.UpdatedAt = time.GetUtcNow();
        S.History = [];
        await state.WriteStateAsync();
        await store.DeleteAsync(District, PoliceAreaCode.OfKey(Key), S.Version, CancellationToken.None);
    }

    async Task<PoliceAreaSnapshot> IPoliceAreaGrain.OverrideGridAsync(string gridCode, GridOverrideKind kind, long? expectedVersion, string actor)
    {
        RequireExists();
        if (!TerritoryCode.IsValid(gridCode) || TerritoryCode.LevelOf(gridCode) != TerritoryLevel.Grid || DistrictCode.Of(gridCode) != District)
        {
            throw DomainException.Invalid("grid", $"'{gridCode}' is not a comprehensive grid code (15 digits) of district {District}.");
        }

        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw DomainException.Stale(expected, S.Version);
        }

        if (kind == GridOverrideKind.Add && await GrainFactory.GetGrain<ITerritoryGrain>(gridCode).GetAsync() is not { Retired: false })
        {
            throw DomainException.Invalid("grid", $"Grid {gridCode} does not exist or is retired.");
        }

        var before = Effective();
        var changed = kind switch
        {
            GridOverrideKind.Add => S.Removed.Remove(gridCode) | AddSorted(S.Added, gridCode),
            GridOverrideKind.Remove => S.Added.Remove(gridCode) | AddSorted(S.Removed, gridCode),
            _ => S.Added.Remove(gridCode) | S.Removed.Remove(gridCode),
        };
        if (!changed)
        {
            return Snapshot();
        }

        var type = kind switch { GridOverrideKind.Add => "grid-added", GridOverrideKind.Remove => "grid-removed", _ => "override-cleared" };
        Record(type, actor, $"an operator's override of grid {gridCode}", before);
        await state.WriteStateAsync();
        await SyncRowAsync();
        return Snapshot();
    }

    async Task IPoliceAreaGrain.RecomputeAsync(string reason)
    {
        if (!S.Exists || S.Boundary is null)
        {
            return;
        }

        var computed = Overlaps.Compute(Boundaries.Parse(S.Boundary), await territory.LoadDistrictAsync(District, CancellationToken.None));
        if (computed.SequenceEqual(S.Computed))
        {
            return;
        }

        var before = Effective();
        // The overlaps themselves may change where an override hides it from the link: the reason says both.
        var overlaps = $"{reason}; overlaps gained [{string.Join(", ", computed.Except(S.Computed))}], lost [{string.Join(", ", S.Computed.Except(computed))}]";
        S.Computed = [.. computed];
        Record("grids-recomputed", "system", overlaps, before);
        await state.WriteStateAsync();
        await SyncRowAsync();
    }

    /// <summary>The grids the area is linked to: computed, plus added, minus removed.</summary>
    private List<string> Effective() =>
        S.Computed.Union(S.Added).Except(S.Removed).Order(StringComparer.Ordinal).ToList();

    /// <summary>Takes a new version and notes it in the history with what the link gained and lost since <paramref name="before"/>.</summary>
    private void Record(string type, string actor, string reason, IReadOnlyList<string> before)
    {
        var after = Effective();
        S.Version++;
        S.UpdatedAt = time.GetUtcNow();
        S.History.Add(new PoliceAreaChange(S.Version, type, S.UpdatedAt, actor, reason, after.Except(before).ToArray(), before.Except(after).ToArray()));
        if (S.History.Count > MaxHistory)
        {
            S.History.RemoveRange(0, S.History.Count - MaxHistory);
        }
    }

    private Task SyncRowAsync()
    {
        if (!S.Exists)
        {
            return store.DeleteAsync(District, PoliceAreaCode.OfKey(Key), S.Version, CancellationToken.None);
        }

        var envelope = S.Boundary is null ? null : Overlaps.EnvelopeOf(Boundaries.Parse(S.Boundary));
        return store.UpsertAsync(Snapshot(), envelope, CancellationToken.None);
    }

    private PoliceAreaSnapshot Snapshot() => new(
        District, PoliceAreaCode.OfKey(Key), S.Name, S.Station, S.Officer, S.Boundary, Effective(),
        S.Computed.ToArray(), S.Added.ToArray(), S.Removed.ToArray(), S.Version, S.UpdatedAt);

    private void RequireExists()
    {
        if (!S.Exists)
        {
            throw DomainException.NotFound($"Police area {PoliceAreaCode.OfKey(Key)} of district {District} does not exist.");
        }
    }

    private static bool AddSorted(List<string> list, string code)
    {
        if (list.Contains(code))
        {
            return false;
        }

        list.Add(code);
        list.Sort(StringComparer.Ordinal);
        return true;
    }

    private static string Text(string? value, string field)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxName)
        {
            throw DomainException.Invalid(field, $"{field} is required: 1 to {MaxName} characters.");
        }

        return trimmed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Police area {Key} could not write its read-model row on activation")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string key);
}
