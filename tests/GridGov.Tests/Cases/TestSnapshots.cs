using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;

namespace GridGov.Tests.Cases;

/// <summary>Cases for tests that write snapshots and events directly, without a case grain; <c>with</c> sets the rest.</summary>
internal static class TestSnapshots
{
    /// <summary>A reported grid case with only what every case has.</summary>
    public static CaseSnapshot Reported(string id, string grid, long version = 1, string reportedBy = "test") => new()
    {
        Id = id,
        State = CaseState.Reported,
        Category = "event.other",
        Source = CaseSource.GridPatrol,
        Description = "test",
        GridCode = grid,
        MediaUrls = [],
        ReportedBy = reportedBy,
        ReportedAt = DateTimeOffset.UtcNow,
        HandledAt = TerritoryLevel.Grid,
        Version = version,
    };
}
