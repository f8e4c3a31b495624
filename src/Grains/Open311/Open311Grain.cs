using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Open311;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using Orleans.Concurrency;

namespace GridGov.Grains.Open311;

/// <summary>
/// Open311's one call per request. Each activation remembers the districts the server holds and each district's
/// settings and catalogue for <see cref="MaxAge"/>, so a public read costs one read-model query; the services calls
/// read both afresh, so a catalogue edit shows there at once. Reentrant: it keeps nothing but those caches.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class Open311Grain(
    ITerritoryIndexStore territory,
    ICaseReadModel readModel,
    CallerSigner signer,
    TimeProvider time) : Grain, IOpen311Grain
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, (DateTimeOffset At, Open311Settings Settings, IReadOnlyList<Category> Categories)> _districts = new(StringComparer.Ordinal);
    private (DateTimeOffset At, HashSet<string> Codes)? _known;

    async Task<Open311Answer> IOpen311Grain.ServicesAsync(string? jurisdiction)
    {
        var district = await DistrictAsync(jurisdiction);
        var (settings, categories) = await DistrictAsync(district, fresh: true);
        RequireReadAccess(settings);
        return new Open311Answer(district, settings, categories, []);
    }

    async Task<Open311Answer> IOpen311Grain.RequestsAsync(string? jurisdiction, Open311Query query)
    {
        var district = await DistrictAsync(jurisdiction);
        var (settings, categories) = await DistrictAsync(district, fresh: false);
        RequireReadAccess(settings);
        // Ids override every other filter, as the specification says.
        var caseQuery = query.Ids.Count > 0
            ? new CaseQuery(district, null, null, null, null, null, null, null, query.Limit, Ids: query.Ids, Offset: query.Offset)
            : new CaseQuery(district, null, null, null, null, query.From, query.To, null, query.Limit, Open: query.Open, Categories: query.Categories, Offset: query.Offset);
        var cases = await readModel.QueryAsync(caseQuery, CancellationToken.None);
        return new Open311Answer(district, settings, categories, cases);
    }

    async Task<Open311Answer> IOpen311Grain.RequestAsync(string? jurisdiction, string id)
    {
        var district = await DistrictAsync(jurisdiction);
        var (settings, categories) = await DistrictAsync(district, fresh: false);
        RequireReadAccess(settings);
        if (!CaseIds.IsValid(id) || DistrictCode.Of(id) != district
            || await GrainFactory.GetGrain<ICaseGrain>(id).GetHistoryAsync() is not { } history)
        {
            throw DomainException.NotFound($"Request {id} does not exist.");
        }

        return new Open311Answer(district, settings, categories, [history.Case], history.Events);
    }

    async Task<Open311Answer> IOpen311Grain.SubmitAsync(string? jurisdiction, NewCase report)
    {
        if (Caller() is not { Role: Roles.App })
        {
            throw DomainException.Forbidden("api_key: a key of role app is required to submit a request.");
        }

        var district = await DistrictAsync(jurisdiction);
        var (settings, categories) = await DistrictAsync(district, fresh: false);
        var category = categories.FirstOrDefault(c => c.Code == report.Category)
            ?? (await DistrictAsync(district, fresh: true)).Categories.FirstOrDefault(c => c.Code == report.Category)
            ?? throw DomainException.Invalid("service_code", $"'{report.Category}' is not a service of jurisdiction {district}.");
        CaseAttributes.CheckAnswers(category, report.Attributes, code => $"attribute[{code}]");
        var created = await GrainFactory.GetGrain<ICaseIntakeGrain>(0).ReportInDistrictAsync(report, district);
        return new Open311Answer(district, settings, categories, [created]);
    }

    private CallerContext? Caller() => CallerContext.Verified(signer);

    /// <summary>A district that asks for keys on reads refuses a public (keyless) read.</summary>
    private void RequireReadAccess(Open311Settings settings)
    {
        if (settings.RequireKeyForReads && Caller() is null)
        {
            throw DomainException.Forbidden("api_key: this jurisdiction requires an API key to read requests.");
        }
    }

    /// <summary>
    /// The district a call is about: <c>jurisdiction_id</c> when given (a district the server holds, and the key's
    /// own); else the key's district; else the server's one district. Another district does not exist for a key.
    /// </summary>
    private async Task<string> DistrictAsync(string? jurisdiction)
    {
        var caller = Caller();
        if (jurisdiction is not null)
        {
            if (!TerritoryCode.IsValid(jurisdiction) || TerritoryCode.LevelOf(jurisdiction) != TerritoryLevel.District)
            {
                throw DomainException.Invalid("jurisdiction_id", "jurisdiction_id is a 6-digit district code.");
            }

            if ((caller is not null && !Scopes.Covers(caller.Scope, jurisdiction)) || !(await KnownAsync(jurisdiction)).Contains(jurisdiction))
            {
                throw DomainException.NotFound($"jurisdiction_id {jurisdiction} is not served here.");
            }

            return jurisdiction;
        }

        if (caller is not null && caller.Scope != Scopes.All)
        {
            return caller.Scope;
        }

        var known = await KnownAsync(null);
        return known.Count switch
        {
            1 => known.First(),
            0 => throw DomainException.NotFound("This server holds no district yet."),
            _ => throw DomainException.Invalid("jurisdiction_id", $"jurisdiction_id is required: this server holds {known.Count} districts."),
        };
    }

    /// <summary>The districts with land (an extent), reloaded when old or when asked for one it does not know.</summary>
    private async Task<HashSet<string>> KnownAsync(string? wanted)
    {
        var now = time.GetUtcNow();
        if (_known is not { } known || now - known.At > MaxAge || (wanted is not null && !known.Codes.Contains(wanted)))
        {
            var extents = await territory.LoadDistrictExtentsAsync(CancellationToken.None);
            known = (now, extents.Select(e => e.District).ToHashSet(StringComparer.Ordinal));
            _known = known;
        }

        return known.Codes;
    }

    private async Task<(Open311Settings Settings, IReadOnlyList<Category> Categories)> DistrictAsync(string district, bool fresh)
    {
        var now = time.GetUtcNow();
        if (fresh || !_districts.TryGetValue(district, out var entry) || now - entry.At > MaxAge)
        {
            var settings = GrainFactory.GetGrain<IOpen311SettingsGrain>(district).GetAsync();
            var categories = GrainFactory.GetGrain<ICategoryCatalogGrain>(district).ListAsync();
            entry = (now, await settings, await categories);
            _districts[district] = entry;
        }

        return (entry.Settings, entry.Categories);
    }
}
