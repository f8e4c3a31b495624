namespace GridGov.Demo;

internal sealed record ServicePointListItem(string Id, long Version);

internal sealed record ServicePointList(IReadOnlyList<ServicePointListItem> Items, string? NextCursor);

/// <summary>
/// Puts the district's service points. The versions already there are read first (one list); a PUT that changes
/// nothing keeps the version, so a second run counts every point unchanged and writes nothing.
/// </summary>
internal sealed class ServicePointLoader(ApiClient api, Report report, int concurrency, CancellationToken cancellationToken)
{
    public async Task LoadAsync(IReadOnlyList<ServicePointPlan> points)
    {
        var stage = new Stage("service points", points.Count);
        await report.RunAsync(stage, async () =>
        {
            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            string? cursor = null;
            do
            {
                var path = $"/api/v1/districts/{DistrictPlan.District}/service-points?limit=500{(cursor is null ? "" : $"&cursor={cursor}")}";
                var page = await api.GetAsync(path, cancellationToken);
                if (!page.Ok)
                {
                    stage.Count(report.Fail(page, "the district's service points"), points.Count);
                    return;
                }

                var list = page.Read<ServicePointList>();
                foreach (var item in list.Items)
                {
                    versions[item.Id] = item.Version;
                }

                cursor = list.NextCursor;
            }
            while (cursor is not null);

            await Parallel.ForEachAsync(
                points,
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                async (point, _) =>
                {
                    var put = await api.PutAsync($"/api/v1/service-points/{point.Id}", point.Body, null, cancellationToken);
                    stage.Count(
                        !put.Ok ? report.Fail(put, point.Body.Name)
                        : put.Status == 201 ? Outcome.Created
                        : versions.TryGetValue(point.Id, out var before) && before == put.Version ? Outcome.Unchanged
                        : Outcome.Updated);
                });
        }, cancellationToken);
    }
}
