namespace GridGov.Demo;

internal sealed record EnterpriseImportError(long Line, string? CreditCode, string Field, string Message);

internal sealed record EnterpriseImportResult(long Rows, int Created, int Updated, int Unchanged, int Rejected, IReadOnlyList<EnterpriseImportError> Errors);

/// <summary>
/// Loads the district's enterprises with one CSV import (the endpoint any registry office would use): the import
/// writes only what changed, so a second run counts them all unchanged.
/// </summary>
internal sealed class EnterpriseLoader(ApiClient api, Report report, CancellationToken cancellationToken)
{
    public Task LoadAsync(IReadOnlyList<EnterprisePlan> enterprises)
    {
        var stage = new Stage("enterprises", enterprises.Count);
        return report.RunAsync(stage, async () =>
        {
            var response = await api.PostRawAsync($"/api/v1/districts/{DistrictPlan.District}/enterprises/import", EnterprisePlans.Csv(enterprises), "text/csv", cancellationToken);
            if (!response.Ok)
            {
                stage.Count(report.Fail(response, "the enterprise import"), enterprises.Count);
                return;
            }

            var result = response.Read<EnterpriseImportResult>();
            stage.Count(Outcome.Created, result.Created);
            stage.Count(Outcome.Updated, result.Updated);
            stage.Count(Outcome.Unchanged, result.Unchanged);
            foreach (var error in result.Errors)
            {
                stage.Count(report.Fail($"enterprise {error.CreditCode} (line {error.Line})", $"{error.Field}: {error.Message}"));
            }
        }, cancellationToken);
    }
}
