using System.Collections.Concurrent;

namespace GridGov.Demo;

/// <summary>
/// Loads the month of cases through the API, as a command centre and its grid workers would: each case is reported
/// with an Idempotency-Key (so a second run answers the case the first made), then taken through its planned actions.
/// A case already there is read (its history) and only the actions it has not had yet are sent, so a second run
/// sends the reports and the history reads and changes nothing. Duplicates are reported and merged before any
/// original moves on, for a merge needs its original open.
/// </summary>
internal sealed class CaseLoader(ApiClient api, Report report, int concurrency, int seed, CancellationToken cancellationToken)
{
    private const string Api = "/api/v1";

    private readonly ConcurrentDictionary<int, (string Id, CaseView View)> _reported = new();
    private readonly ConcurrentDictionary<int, CaseView> _final = new();

    /// <summary>Each case as the API last answered it, by plan index: the summary is made of these.</summary>
    public IReadOnlyDictionary<int, CaseView> Final => _final;

    public async Task LoadAsync(IReadOnlyList<CasePlan> cases)
    {
        var stage = new Stage("cases", cases.Count);
        // Reports are sent in the month's order (ids, and so the read model's order, follow it roughly).
        var originals = cases.Where(c => c.MergeInto is null).OrderBy(c => c.Day).ThenBy(c => c.Index).ToArray();
        var duplicates = cases.Where(c => c.MergeInto is not null).OrderBy(c => c.Day).ThenBy(c => c.Index).ToArray();
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        await report.RunAsync(stage, async () =>
        {
            await ForEachAsync(originals, async c =>
            {
                if (await ReportAsync(c) is not { } answer)
                {
                    stage.Count(Outcome.Failed);
                }
                else
                {
                    _reported[c.Index] = (answer.Id, answer);
                }
            });
            await ForEachAsync(duplicates, async c => stage.Count(await CompleteAsync(c, await ReportAsync(c), since)));
            await ForEachAsync(originals.Where(c => _reported.ContainsKey(c.Index)).ToArray(), async c => stage.Count(await CompleteAsync(c, _reported[c.Index].View, since)));
        }, cancellationToken);
    }

    private async Task<CaseView?> ReportAsync(CasePlan c)
    {
        var response = await api.PostOnceAsync($"{Api}/cases", CaseWire.Body(c), c.IdempotencyKey(seed), cancellationToken);
        if (!response.Ok)
        {
            report.Fail(response, c.ToString());
            return null;
        }

        return response.Read<CaseView>();
    }

    /// <summary>Sends the actions the case has not had yet; created when it is new, updated when it moved on, else unchanged.</summary>
    private async Task<Outcome> CompleteAsync(CasePlan c, CaseView? reported, DateTimeOffset since)
    {
        if (reported is null)
        {
            return Outcome.Failed;
        }

        var isNew = reported.State == "reported" && reported.Version <= 1 && reported.ReportedAt >= since;
        var done = 0;
        if (!(reported.State == "reported" && reported.Version <= 1))
        {
            var history = await api.GetAsync($"{Api}/cases/{reported.Id}/history", cancellationToken);
            if (!history.Ok)
            {
                return report.Fail(history, c.ToString());
            }

            // The first event is the report; the platform's own events (warning, overdue) are no steps of the plan.
            done = history.Read<CaseHistoryView>().Events.Skip(1).Count(e => !CaseWire.IsSystem(e));
        }

        var current = reported;
        foreach (var step in c.Steps.Skip(done))
        {
            var body = step.Body;
            if (step.Action == "merge")
            {
                if (!_reported.TryGetValue(c.MergeInto!.Value, out var original))
                {
                    return report.Fail($"{c}: merge", $"its original, case {c.MergeInto}, was not reported");
                }

                body = body with { Into = original.Id };
            }

            var answer = await api.PostAsync($"{Api}/cases/{reported.Id}/{step.Action}", body, cancellationToken);
            if (!answer.Ok)
            {
                return report.Fail(answer, $"{c}, step {step.Action}");
            }

            current = answer.Read<CaseView>();
        }

        _final[c.Index] = current;
        return isNew ? Outcome.Created : done < c.Steps.Count ? Outcome.Updated : Outcome.Unchanged;
    }

    private Task ForEachAsync(IReadOnlyList<CasePlan> cases, Func<CasePlan, Task> load) =>
        Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (c, _) =>
        {
            try
            {
                await load(c);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report.Fail(c.ToString(), e);
            }
        });
}
