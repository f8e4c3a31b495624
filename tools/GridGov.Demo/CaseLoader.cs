using System.Collections.Concurrent;

namespace GridGov.Demo;

/// <summary>
/// Loads the month of cases through the API, as a command centre and its grid workers would: each case is reported
/// with an Idempotency-Key (so a second run answers the case the first made), then taken through its planned actions.
/// A case already there is read (its history) and only the actions it has not had yet are sent, so a second run
/// sends the reports and the history reads and changes nothing. Duplicates are reported and merged before any
/// original moves on, for a merge needs its original open.
/// </summary>
internal sealed class CaseLoader(
    ApiClient api, Report report, int concurrency, int seed, CancellationToken cancellationToken, Func<string, ApiClient>? reporterOf = null)
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
        // Honest sources: an app's source is reported with that app's key (SourceKeys), staff sources with the operator's.
        var reporter = reporterOf?.Invoke(c.Source) ?? api;
        var response = await reporter.PostOnceAsync($"{Api}/cases", CaseWire.Body(c), c.IdempotencyKey(seed), cancellationToken);
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
        var done = reported.State == "reported" && reported.Version <= 1 ? 0 : await StepsDoneAsync(c, reported.Id);
        var first = done;
        var current = reported;
        var stale = false;
        var unavailable = 0;
        while (done is { } step && step < c.Steps.Count)
        {
            var body = c.Steps[step].Body;
            if (c.Steps[step].Action == "merge")
            {
                if (!_reported.TryGetValue(c.MergeInto!.Value, out var original))
                {
                    return report.Fail($"{c}: merge", $"its original, case {c.MergeInto}, was not reported");
                }

                body = body with { Into = original.Id };
            }

            var answer = await api.PostAsync($"{Api}/cases/{reported.Id}/{c.Steps[step].Action}", body, cancellationToken);
            if (answer.Status == 503 && ++unavailable <= 3)
            {
                // The action may or may not have taken effect: the case's history says which, and where to go on.
                await Task.Delay(TimeSpan.FromSeconds(2 * unavailable), cancellationToken);
                done = await StepsDoneAsync(c, reported.Id);
                stale = true;
                continue;
            }

            if (!answer.Ok)
            {
                return report.Fail(answer, $"{c}, step {c.Steps[step].Action}");
            }

            current = answer.Read<CaseView>();
            stale = false;
            done = step + 1;
        }

        if (done is null)
        {
            return Outcome.Failed;
        }

        if (stale)
        {
            var read = await api.GetAsync($"{Api}/cases/{reported.Id}", cancellationToken);
            current = read.Ok ? read.Read<CaseView>() : current;
        }

        _final[c.Index] = current;
        return isNew ? Outcome.Created : done > first ? Outcome.Updated : Outcome.Unchanged;
    }

    /// <summary>How many of the plan's actions the case has had (null, and a printed failure, when its history cannot be read).</summary>
    private async Task<int?> StepsDoneAsync(CasePlan c, string id)
    {
        var history = await api.GetAsync($"{Api}/cases/{id}/history", cancellationToken);
        if (!history.Ok)
        {
            report.Fail(history, c.ToString());
            return null;
        }

        // The first event is the report; the platform's own events (warning, overdue) are no steps of the plan.
        return history.Read<CaseHistoryView>().Events.Skip(1).Count(e => !CaseWire.IsSystem(e));
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
