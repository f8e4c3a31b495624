namespace GridGov.Demo;

internal sealed record PointRuleVersion(int Version, int Points, DateOnly EffectiveFrom);

internal sealed record PointRuleVersions(string Code, IReadOnlyList<PointRuleVersion> Versions);

internal sealed record MeetingBody(DateOnly Date, string Topic, IReadOnlyList<string> Attendance);

internal sealed record MeetingRead(DateOnly Date, string Topic);

internal sealed record MeetingList(IReadOnlyList<MeetingRead> Items);

internal sealed record GrantBody(string RuleCode, string SourceId, DateOnly Date, string Reason);

internal sealed record VillageBody(string Name, IReadOnlyList<CommitteeBody> Committee, bool SecretaryIsChair, IReadOnlyList<CadreBody> Cadres);

internal sealed record DecisionBody(string Matter, string Kind, string Origin, decimal? Amount);

internal sealed record DecisionRead(string Id, string Matter, string Status, IReadOnlyList<DecisionStepRead> Steps);

internal sealed record DecisionStepRead(string Name);

internal sealed record DecisionList(IReadOnlyList<DecisionRead> Items);

/// <summary>
/// Loads the Party-building practices. Each part reads before it writes, so a second run writes nothing: a rule's
/// versions are compared by effective date, an organization's meetings by date, a grant is idempotent by its source id,
/// a village is written when it differs, and a decision is found by its matter and taken on from the step it reached.
/// </summary>
internal sealed class PartyLoader(ApiClient api, Report report, int concurrency, CancellationToken cancellationToken)
{
    private const string Api = "/api/v1";

    public async Task LoadRulesAsync(IReadOnlyList<PointRulePlan> rules)
    {
        var stage = new Stage("point rules", rules.Count);
        await report.RunAsync(stage, async () =>
        {
            foreach (var rule in rules)
            {
                var path = $"{Api}/districts/{DistrictPlan.District}/point-rules/{rule.Code}";
                var read = await api.GetAsync(path, cancellationToken);
                if (read.Ok && read.Read<PointRuleVersions>().Versions.Any(v => v.EffectiveFrom == rule.Body.EffectiveFrom))
                {
                    stage.Count(Outcome.Unchanged);
                    continue;
                }

                var put = await api.PutAsync(path, rule.Body, null, cancellationToken);
                stage.Count(put.Ok ? Outcome.Created : report.Fail(put, $"rule {rule.Code} from {rule.Body.EffectiveFrom:yyyy-MM-dd}"));
            }
        }, cancellationToken);
    }

    public Task LoadMeetingsAsync(IReadOnlyList<MeetingPlan> meetings)
    {
        var byOrganization = meetings.GroupBy(m => m.OrganizationId).ToArray();
        var stage = new Stage("meetings", meetings.Count);
        return report.RunAsync(stage, () => Parallel.ForEachAsync(
            byOrganization,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (organization, _) =>
            {
                var path = $"{Api}/party-organizations/{organization.Key}/meetings";
                var read = await api.GetAsync(path, cancellationToken);
                if (!read.Ok)
                {
                    stage.Count(report.Fail(read, $"meetings of {organization.Key}"));
                    return;
                }

                var held = read.Read<MeetingList>().Items.Select(m => (m.Date, m.Topic)).ToHashSet();
                foreach (var meeting in organization)
                {
                    if (held.Contains((meeting.Date, meeting.Topic)))
                    {
                        stage.Count(Outcome.Unchanged);
                        continue;
                    }

                    var posted = await api.PostAsync(path, new MeetingBody(meeting.Date, meeting.Topic, meeting.Attendance), cancellationToken);
                    stage.Count(posted.Ok ? Outcome.Created : report.Fail(posted, $"meeting of {organization.Key} on {meeting.Date:yyyy-MM-dd}"));
                }
            }), cancellationToken);
    }

    /// <summary>A grant sent again answers <c>duplicate</c>: the ledger keeps one entry per source.</summary>
    public Task LoadGrantsAsync(IReadOnlyList<GrantPlan> grants)
    {
        var stage = new Stage("volunteering grants", grants.Count);
        return report.RunAsync(stage, () => Parallel.ForEachAsync(
            grants,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (grant, _) =>
            {
                var posted = await api.PostAsync($"{Api}/party-members/{grant.MemberId}/points/grants",
                    new GrantBody(grant.RuleCode, grant.SourceId, grant.Date, grant.Reason), cancellationToken);
                stage.Count(!posted.Ok ? report.Fail(posted, $"grant {grant.SourceId} to {grant.MemberId}")
                    : posted.Body.Contains("\"duplicate\"", StringComparison.Ordinal) ? Outcome.Unchanged : Outcome.Created);
            }), cancellationToken);
    }

    public async Task LoadVillagesAsync(IReadOnlyList<VillagePlan> villages)
    {
        var stage = new Stage("villages and decisions", villages.Sum(v => 1 + v.Decisions.Count));
        await report.RunAsync(stage, async () =>
        {
            foreach (var village in villages)
            {
                // A village that exists is left as it is (its committee may have changed since): only a missing one is written.
                var path = $"{Api}/villages/{village.Code}";
                var put = await api.GetAsync(path, cancellationToken);
                if (put.Status == 404)
                {
                    put = await api.PutAsync(path, new VillageBody(village.Name, village.Committee, village.SecretaryIsChair, village.Cadres), 0, cancellationToken);
                    stage.Count(put.Ok ? Outcome.Created : report.Fail(put, $"village {village.Code}"));
                }
                else
                {
                    stage.Count(put.Ok ? Outcome.Unchanged : report.Fail(put, $"village {village.Code}"));
                }

                var list = await api.GetAsync($"{Api}/villages/{village.Code}/decisions?limit=50", cancellationToken);
                if (!put.Ok || !list.Ok)
                {
                    stage.Count(list.Ok ? Outcome.Failed : report.Fail(list, $"decisions of {village.Code}"), village.Decisions.Count);
                    continue;
                }

                var existing = list.Read<DecisionList>().Items;
                foreach (var decision in village.Decisions)
                {
                    stage.Count(await DecisionAsync(village, decision, existing.FirstOrDefault(d => d.Matter == decision.Matter)));
                }
            }
        }, cancellationToken);
    }

    private async Task<Outcome> DecisionAsync(VillagePlan village, DecisionPlan plan, DecisionRead? existing)
    {
        var outcome = Outcome.Unchanged;
        if (existing is null)
        {
            var created = await api.PostAsync($"{Api}/villages/{village.Code}/decisions", new DecisionBody(plan.Matter, plan.Kind, plan.Origin, plan.Amount), cancellationToken);
            if (!created.Ok)
            {
                return report.Fail(created, $"decision '{plan.Matter}'");
            }

            existing = created.Read<DecisionRead>();
            outcome = Outcome.Created;
        }

        // A joint proposal records the consultation too: count what is there, and go on from the next planned step.
        var done = existing.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var step in plan.Steps.Where(s => !done.Contains(s.Step)))
        {
            var posted = await api.PostAsync($"{Api}/decisions/{existing.Id}/steps/{step.Step}", step.Body, cancellationToken);
            if (!posted.Ok)
            {
                return report.Fail(posted, $"step {step.Step} of decision {existing.Id}");
            }

            outcome = outcome == Outcome.Created ? outcome : Outcome.Updated;
        }

        if (plan.Complete && existing.Status != "completed")
        {
            var completed = await api.PostAsync($"{Api}/decisions/{existing.Id}/complete", new { }, cancellationToken);
            if (!completed.Ok)
            {
                return report.Fail(completed, $"completion of decision {existing.Id}");
            }

            outcome = outcome == Outcome.Created ? outcome : Outcome.Updated;
        }

        return outcome;
    }
}
