using System.Net;

namespace GridGov.Demo;

/// <summary>
/// Loads the plan through the API, parents before children: territory, Party-building grids, organizations
/// (committees, branches, groups), members, households with their member links. Each entity is read first and
/// written only when it is missing (If-Match "0": create only) or differs (If-Match its version), so a second run with
/// the same seed writes nothing.
/// </summary>
internal sealed class Loader(ApiClient api, Report report, int concurrency, CancellationToken cancellationToken)
{
    private const string Api = "/api/v1";

    public async Task ImportTerritoryAsync(DistrictPlan district, byte[] geoJson)
    {
        var stage = new Stage("territory", district.Territory.Count);
        await report.RunAsync(stage, async () =>
        {
            var response = await api.PostRawAsync($"{Api}/territory/import", geoJson, "application/geo+json", cancellationToken);
            if (!response.Ok)
            {
                stage.Count(Outcome.Failed, stage.Total);
                report.Fail(response, $"import of {stage.Total} features");
                return;
            }

            var result = response.Read<ImportResult>();
            stage.Count(Outcome.Created, result.Created.Count);
            stage.Count(Outcome.Updated, result.Updated.Count);
            stage.Count(Outcome.Unchanged, result.Unchanged.Count);
            foreach (var rejected in result.Rejected)
            {
                stage.Count(Outcome.Failed);
                report.Fail($"{response.Method} {response.Path} → {response.Status}, feature {rejected.Index} ({rejected.Code}) rejected", rejected.Reason);
            }
        }, cancellationToken);
    }

    public Task LoadPartyGridsAsync(IReadOnlyList<PartyGridPlan> partyGrids) =>
        ForEachAsync(new Stage("party-building grids", partyGrids.Count), partyGrids,
            p => UpsertAsync<PartyGridView>($"{Api}/party-grids/{p.Id}", Wire.Body(p), v => Wire.Same(p, v)));

    /// <summary>Committees, then branches, then groups: a child names a parent that must exist.</summary>
    public async Task LoadOrganizationsAsync(IReadOnlyList<OrganizationPlan> organizations)
    {
        foreach (var (kind, label) in new[] { (OrganizationKind.Committee, "Party committees"), (OrganizationKind.Branch, "Party branches"), (OrganizationKind.Group, "Party groups") })
        {
            var level = organizations.Where(o => o.Kind == kind).ToArray();
            await ForEachAsync(new Stage(label, level.Length), level,
                o => UpsertAsync<OrganizationView>($"{Api}/party-organizations/{o.Id}", Wire.Body(o), v => Wire.Same(o, v)));
        }
    }

    /// <summary>
    /// Members are read in bulk too, through the Party-building grids their branches sit on; a member not found there
    /// is created with If-Match "0", and when that answers 412 (it exists, in another organization) read and compared.
    /// </summary>
    public async Task LoadMembersAsync(DistrictPlan district, IReadOnlyList<MemberPlan> members)
    {
        var partyGrids = district.Organizations
            .Where(o => o.Kind == OrganizationKind.Branch && members.Any(m => m.OrganizationId == o.Id))
            .Select(o => o.PartyGridId!)
            .Distinct()
            .ToArray();
        var existing = await ReadAllAsync<MemberView>("Party members", partyGrids.Select(p => $"{Api}/party-grids/{p}/members").ToArray(), v => v.Id);
        if (existing is null)
        {
            return;
        }

        await ForEachAsync(new Stage("Party members", members.Count), members, async m =>
        {
            var path = $"{Api}/party-members/{m.Id}";
            if (existing.TryGetValue(m.Id, out var current))
            {
                return await ReplaceAsync(path, Wire.Body(m), current.Version, Wire.Same(m, current));
            }

            var created = await api.PutAsync(path, Wire.Body(m), 0, cancellationToken);
            return created.Status == (int)HttpStatusCode.PreconditionFailed
                ? await UpsertAsync<MemberView>(path, Wire.Body(m), v => Wire.Same(m, v))
                : created.Ok ? Outcome.Created : report.Fail(created);
        });
    }

    /// <summary>
    /// Households are read in bulk (the district's household list, 500 a page) rather than one by one; each is then
    /// created, updated or left alone, and linked to its planned member when it is not yet.
    /// </summary>
    public async Task LoadHouseholdsAsync(IReadOnlyList<HouseholdPlan> households)
    {
        var existing = await ReadAllAsync<HouseholdView>("Households", [$"{Api}/territory/{DistrictPlan.District}/households"], h => h.Id);
        if (existing is null)
        {
            return;
        }

        var planned = households.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var beyond = existing.Keys.Count(id => !planned.Contains(id));
        if (beyond > 0)
        {
            report.Info($"{beyond:N0} households there are not in this plan (an earlier, larger load?); they are left as they are.");
        }

        var stage = new Stage("households", households.Count) { HasLinks = true };
        await ForEachAsync(stage, households, async h =>
        {
            var path = $"{Api}/households/{h.Id}";
            existing.TryGetValue(h.Id, out var current);
            Outcome outcome;
            if (current is not null && Wire.Same(h, current))
            {
                outcome = Outcome.Unchanged;
            }
            else
            {
                var put = await api.PutAsync(path, Wire.Body(h), current?.Version ?? 0, cancellationToken);
                if (!put.Ok)
                {
                    return report.Fail(put);
                }

                outcome = current is null ? Outcome.Created : Outcome.Updated;
            }

            if (h.MemberId is null)
            {
                return outcome;
            }

            var linked = current?.LinkedMemberId;
            if (linked == h.MemberId)
            {
                stage.CountLink(made: false);
                return outcome;
            }

            if (linked is not null)
            {
                var unlink = await api.PostAsync($"{path}/unlink", new MemberLinkBody(linked), cancellationToken);
                if (!unlink.Ok)
                {
                    return report.Fail(unlink, $"unlinking {linked} to link {h.MemberId}");
                }
            }

            var link = await api.PostAsync($"{path}/link", new MemberLinkBody(h.MemberId), cancellationToken);
            if (!link.Ok)
            {
                return report.Fail(link, $"linking {h.MemberId}");
            }

            stage.CountLink(made: true);
            return outcome == Outcome.Unchanged ? Outcome.Updated : outcome;
        });
    }

    /// <summary>
    /// Everything the paged lists hold (500 a page), by id; null (and a printed failure) when a list cannot be read,
    /// for then nothing of that kind is loaded rather than written blind.
    /// </summary>
    private async Task<Dictionary<string, TView>?> ReadAllAsync<TView>(string what, IReadOnlyList<string> lists, Func<TView, string> id)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, TView>(StringComparer.Ordinal);
        var failed = 0;
        await Parallel.ForEachAsync(lists, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (list, _) =>
        {
            string? cursor = null;
            do
            {
                var response = await api.GetAsync($"{list}?limit=500{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", cancellationToken);
                if (!response.Ok)
                {
                    report.Fail(response, $"reading what is there; no {what.ToLowerInvariant()} are loaded");
                    Interlocked.Increment(ref failed);
                    return;
                }

                var page = response.Read<Page<TView>>();
                foreach (var item in page.Items)
                {
                    found[id(item)] = item;
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
        });

        if (failed > 0)
        {
            return null;
        }

        report.Info($"read the {found.Count:N0} {what.ToLowerInvariant()} already there in {Report.Duration(clock.Elapsed)} ({lists.Count:N0} lists)");
        return new Dictionary<string, TView>(found, StringComparer.Ordinal);
    }

    /// <summary>Replaces an entity read before, unless it is already as planned.</summary>
    private async Task<Outcome> ReplaceAsync(string path, object body, long version, bool same)
    {
        if (same)
        {
            return Outcome.Unchanged;
        }

        var updated = await api.PutAsync(path, body, version, cancellationToken);
        return updated.Ok ? Outcome.Updated : report.Fail(updated);
    }

    /// <summary>
    /// Reads the entity; creates it when missing, replaces it when it differs from the plan, else leaves it. A write
    /// answered 503 may or may not have taken effect, so it is decided again from a fresh read (a few times).
    /// </summary>
    private async Task<Outcome> UpsertAsync<TView>(string path, object body, Func<TView, bool> same)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await api.GetAsync(path, cancellationToken);
            ApiResponse written;
            if (current.Status == (int)HttpStatusCode.NotFound)
            {
                written = await api.PutAsync(path, body, 0, cancellationToken);
                if (written.Ok)
                {
                    return Outcome.Created;
                }
            }
            else if (!current.Ok)
            {
                return report.Fail(current);
            }
            else if (same(current.Read<TView>()))
            {
                return Outcome.Unchanged;
            }
            else
            {
                written = await api.PutAsync(path, body, current.Version ?? 0, cancellationToken);
                if (written.Ok)
                {
                    return Outcome.Updated;
                }
            }

            if (written.Status != (int)HttpStatusCode.ServiceUnavailable || attempt >= 3)
            {
                return report.Fail(written);
            }
        }
    }

    private Task ForEachAsync<T>(Stage stage, IReadOnlyList<T> items, Func<T, Task<Outcome>> load) =>
        report.RunAsync(stage, () => Parallel.ForEachAsync(
            items,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (item, _) =>
            {
                Outcome outcome;
                try
                {
                    outcome = await load(item);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    outcome = report.Fail($"{stage.Name}: {item}", e);
                }

                stage.Count(outcome);
            }), cancellationToken);
}
