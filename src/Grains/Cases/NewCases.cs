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

        string? duplicate = null;
        if (report.Lat is { } lat && report.Lon is { } lon)
        {
            duplicate = await grains.GetGrain<IGridCasesGrain>(report.GridCode)
                .FindDuplicateAsync(category.Code, lat, lon, time.GetUtcNow() - CaseGrain.DuplicateWindow, CaseGrain.DuplicateMetres);
        }

        var now = time.GetUtcNow();
        return new CaseSnapshot
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
            ReportedAt = now,
            HandledAt = HandledLevel(report.GridCode),
            ProbableDuplicateOf = duplicate,
            PatrolId = report.PatrolId,
            // The version is the event's, set when the snapshot is appended.
            Version = 0,
        };
    }

    /// <summary>The grid's stream, on which every event of the grid's cases is published.</summary>
    public static IAsyncStream<CaseEvent> StreamOf(IStreamProvider streams, string gridCode) =>
        streams.GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, gridCode));

    /// <summary>A case is handled where it was routed: its micro-grid, grid or community.</summary>
    private static TerritoryLevel HandledLevel(string gridCode) => TerritoryCode.LevelOf(gridCode);
}
