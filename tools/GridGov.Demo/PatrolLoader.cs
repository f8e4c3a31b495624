namespace GridGov.Demo;

internal sealed record PatrolStartBody(string GridCode, DateTimeOffset StartedAt);

internal sealed record PatrolEndBody(DateTimeOffset EndedAt);

internal sealed record PatrolBatchBody(int Batch, IReadOnlyList<PatrolPoint> Points);

internal sealed record PatrolCreated(string Id);

internal sealed record PatrolStats(int Patrols);

internal sealed record KeyBody(string Name, string Role, string Scope, string StaffId);

internal sealed record KeyCreated(string Key);

/// <summary>
/// Walks the week's patrols through the API as the grid workers' apps would upload patrols recorded offline: a worker's
/// patrols need the worker's own key (a grid worker's, carrying the staff id), issued with the loading key only for a
/// worker with a day still missing. A day whose patrol the worker's figures already count is left as it is, so a
/// second run writes nothing.
/// </summary>
internal sealed class PatrolLoader(ApiClient api, Func<string, ApiClient> workerClient, Report report, int concurrency, CancellationToken cancellationToken)
{
    private const string Api = "/api/v1";
    private const int BatchPoints = 150;

    public Task LoadAsync(IReadOnlyList<PatrolPlan> patrols)
    {
        var stage = new Stage("patrols", patrols.Count);
        return report.RunAsync(stage, () => Parallel.ForEachAsync(
            patrols.GroupBy(p => p.Worker, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency / 4), CancellationToken = cancellationToken },
            async (worker, _) =>
            {
                ApiClient? client = null;
                try
                {
                    foreach (var patrol in worker)
                    {
                        var day = patrol.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                        var stats = await api.GetAsync($"{Api}/districts/{DistrictPlan.District}/workers/{patrol.Worker}/patrol-stats?from={day}&to={day}", cancellationToken);
                        if (!stats.Ok)
                        {
                            stage.Count(report.Fail(stats, patrol.ToString()));
                            continue;
                        }

                        if (stats.Read<PatrolStats>().Patrols > 0)
                        {
                            stage.Count(Outcome.Unchanged);
                            continue;
                        }

                        client ??= await WorkerClientAsync(worker.Key);
                        stage.Count(client is null ? Outcome.Failed : await WalkAsync(client, patrol));
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    stage.Count(report.Fail(worker.Key, e));
                }
                finally
                {
                    client?.Dispose();
                }
            }), cancellationToken);
    }

    private async Task<ApiClient?> WorkerClientAsync(string worker)
    {
        var key = await api.PostAsync($"{Api}/api-keys", new KeyBody($"demo patrols of {worker}", "grid-worker", DistrictPlan.District, worker), cancellationToken);
        if (!key.Ok)
        {
            report.Fail(key, $"a key for {worker}");
            return null;
        }

        return workerClient(key.Read<KeyCreated>().Key);
    }

    private async Task<Outcome> WalkAsync(ApiClient client, PatrolPlan patrol)
    {
        var started = await client.PostAsync($"{Api}/patrols", new PatrolStartBody(patrol.GridCode, patrol.StartedAt), cancellationToken);
        if (!started.Ok)
        {
            return report.Fail(started, patrol.ToString());
        }

        var id = started.Read<PatrolCreated>().Id;
        for (var batch = 0; batch * BatchPoints < patrol.Points.Count; batch++)
        {
            var points = patrol.Points.Skip(batch * BatchPoints).Take(BatchPoints).ToArray();
            var sent = await client.PostAsync($"{Api}/patrols/{id}/points", new PatrolBatchBody(batch + 1, points), cancellationToken);
            if (!sent.Ok)
            {
                return report.Fail(sent, patrol.ToString());
            }
        }

        var ended = await client.PostAsync($"{Api}/patrols/{id}/end", new PatrolEndBody(patrol.EndedAt), cancellationToken);
        return ended.Ok ? Outcome.Created : report.Fail(ended, patrol.ToString());
    }
}
