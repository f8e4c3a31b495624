using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Orleans.Streams;

namespace GridGov.Grains.Cases;

/// <summary>What creating a case takes, shared by the case's grain and case reception.</summary>
internal static class NewCases
{
    public static async Task<CaseSnapshot> SnapshotAsync(
        string id, NewCase report, IGrainFactory grains, CategoryCache categories, TimeProvider time)
    {
        if (!CaseIds.IsValid(id))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a case id of the form {{district}}-{{yyyyMMdd}}-{{unique}}.");
        }

        var category = await categories.GetAsync(grains, DistrictCode.Of(id), report.Category)
            ?? throw DomainException.Invalid("category", $"'{report.Category}' is not a category of district {DistrictCode.Of(id)}.");
        CaseAttributes.CheckAnswers(category, report.Attributes, code => $"attributes.{code}");
        var enterprise = await CaseEnterprise.CheckAsync(report.EnterpriseId, DistrictCode.Of(id), grains);

        string? duplicate = null;
        if (report.Lat is { } lat && report.Lon is { } lon)
        {
            duplicate = await grains.GetGrain<IGridCasesGrain>(report.GridCode)
                .FindDuplicateAsync(category.Code, lat, lon, time.GetUtcNow() - CaseGrain.DuplicateWindow, CaseGrain.DuplicateMetres);
        }

        // A case the police report carries their area (docs/resources.md, "Police areas").
        var police = report.Source == CaseSource.Police
            ? await CaseGrain.PoliceAreaOfAsync(grains, id, report.Lat, report.Lon, report.GridCode)
            : null;

        var now = time.GetUtcNow();
        var snapshot = new CaseSnapshot
        {
            Id = id,
            State = CaseState.Reported,
            Category = category.Code,
            Source = report.Source,
            Description = report.Description,
            GridCode = report.GridCode,
            Lat = report.Lat,
            Lon = report.Lon,
            Address = report.Address,
            ReporterName = report.ReporterName,
            ReporterPhoneMasked = report.ReporterPhoneMasked,
            MediaUrls = report.MediaUrls,
            Priority = report.Priority,
            Detection = report.Detection,
            ReportedBy = report.ReportedBy,
            Attributes = report.Attributes is { Count: > 0 } answers ? answers : null,
            Detections = report.Detection is null ? null : 1,
            LastDetectedAt = report.DetectedAt,
            ReportedAt = now,
            HandledAt = HandledLevel(report.GridCode),
            ProbableDuplicateOf = duplicate,
            EnterpriseId = enterprise,
            PatrolId = report.PatrolId,
            // The version is the event's, set when the snapshot is appended.
            Version = 0,
        };
        return police is null ? snapshot : CaseGrain.WithPolice(snapshot, police);
    }

    /// <summary>The grid's stream, on which every event of the grid's cases is published.</summary>
    public static IAsyncStream<CaseEvent> StreamOf(IStreamProvider streams, string gridCode) =>
        streams.GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, gridCode));

    /// <summary>A case is handled where it was routed: its micro-grid, grid or community.</summary>
    private static TerritoryLevel HandledLevel(string gridCode) => TerritoryCode.LevelOf(gridCode);
}
