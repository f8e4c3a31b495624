namespace GridGov.Demo;

internal sealed record PoliceImportResult(
    IReadOnlyList<ImportedFeature> Created, IReadOnlyList<ImportedFeature> Updated, IReadOnlyList<ImportedFeature> Unchanged, IReadOnlyList<PoliceRejection> Rejected);

internal sealed record PoliceRejection(int Index, string? Code, string? Field, string Reason);

/// <summary>Imports the district's police areas in one request; a second run finds them unchanged.</summary>
internal sealed class PoliceLoader(ApiClient api, Report report, CancellationToken cancellationToken)
{
    public async Task ImportAsync(IReadOnlyList<PoliceAreaPlan> areas)
    {
        var stage = new Stage("police areas", areas.Count);
        await report.RunAsync(stage, async () =>
        {
            var response = await api.PostRawAsync($"/api/v1/districts/{DistrictPlan.District}/police-areas/import", PolicePlan.Write(areas), "application/geo+json", cancellationToken);
            if (!response.Ok)
            {
                stage.Count(Outcome.Failed, stage.Total);
                report.Fail(response, $"import of {stage.Total} police areas");
                return;
            }

            var result = response.Read<PoliceImportResult>();
            stage.Count(Outcome.Created, result.Created.Count);
            stage.Count(Outcome.Updated, result.Updated.Count);
            stage.Count(Outcome.Unchanged, result.Unchanged.Count);
            foreach (var rejected in result.Rejected)
            {
                stage.Count(Outcome.Failed);
                report.Fail($"{response.Method} {response.Path} → {response.Status}, police area {rejected.Index} ({rejected.Code}) rejected at {rejected.Field}", rejected.Reason);
            }
        }, cancellationToken);
    }
}
