using System.Net;

namespace GridGov.Demo;

/// <summary>
/// Registers the planned cameras: each is read, created when missing (If-Match "0"), replaced when it differs from the
/// plan, else left alone, so a second run changes nothing. The camera system's key is made with the other source keys.
/// </summary>
internal sealed class CameraLoader(ApiClient api, Report report, int concurrency, CancellationToken cancellationToken)
{
    public async Task LoadAsync(IReadOnlyList<CameraPlanned> cameras)
    {
        var stage = new Stage("cameras", cameras.Count);
        await report.RunAsync(stage, () => Parallel.ForEachAsync(
            cameras,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (camera, _) => stage.Count(await UpsertAsync(camera))), cancellationToken);
    }

    private async Task<Outcome> UpsertAsync(CameraPlanned camera)
    {
        var path = $"/api/v1/cameras/{camera.Code}";
        var current = await api.GetAsync(path, cancellationToken);
        if (current.Status == (int)HttpStatusCode.NotFound)
        {
            var created = await api.PutAsync(path, camera.Body, 0, cancellationToken);
            return created.Ok ? Outcome.Created : report.Fail(created, camera.Code);
        }

        if (!current.Ok)
        {
            return report.Fail(current, camera.Code);
        }

        var read = current.Read<CameraRead>();
        var b = camera.Body;
        if (read.Name == b.Name && read.Lat == b.Lat && read.Lon == b.Lon && read.Address == b.Address && read.Labels.SequenceEqual(b.Labels))
        {
            return Outcome.Unchanged;
        }

        var updated = await api.PutAsync(path, b, current.Version ?? 0, cancellationToken);
        return updated.Ok ? Outcome.Updated : report.Fail(updated, camera.Code);
    }
}
