using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Cases;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;

namespace GridGov.Tests.Cases;

/// <summary>
/// The read model commits the batches its grids hand over together: every batch lands, a case handed over by two
/// grids ends at its newest version, and a batch the database refuses fails alone.
/// </summary>
public sealed class ReadModelWriteTests
{
    private static CaseEvent Event(string id, string grid, long version, string category = "event.other") => new(
        Guid.NewGuid(), id, version, "reported", grid, DateTimeOffset.UtcNow, "test", null,
        TestSnapshots.Reported(id, grid, version) with
        {
            State = version == 1 ? CaseState.Reported : CaseState.Filed,
            Category = category,
            Lat = 10,
            Lon = 10,
        });

    private static Task ProjectAsync(AdoNetCaseReadModel readModel, params CaseEvent[] events) =>
        readModel.ProjectAsync(events.Select(e => e.Case).ToArray(), events, CancellationToken.None);

    [Theory]
    [InlineData(DatabaseKind.PostgreSql)]
    [InlineData(DatabaseKind.Sqlite)]
    public async Task Batches_handed_over_at_once_all_land_and_a_refused_one_fails_alone(DatabaseKind kind)
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var readModel = new AdoNetCaseReadModel(kind, store.ConnectionString);
        var d = Fresh.District();
        var grids = Enumerable.Range(1, 40).Select(g => $"{d}001001{g:000}").ToArray();
        var moved = CaseIds.New(d, DateTimeOffset.UtcNow);

        var batches = grids
            .Select(grid => Enumerable.Range(0, 5).Select(_ => Event(CaseIds.New(d, DateTimeOffset.UtcNow), grid, 1)).ToArray())
            .ToArray();
        // A category the read model cannot hold (NOT NULL) refuses its whole batch, and only that one.
        var refused = new[] { Event(CaseIds.New(d, DateTimeOffset.UtcNow), grids[0], 1), Event(CaseIds.New(d, DateTimeOffset.UtcNow), grids[0], 1, null!) };
        var writes = batches.Select(b => ProjectAsync(readModel, b))
            .Append(ProjectAsync(readModel, Event(moved, grids[1], 5)))
            .Append(ProjectAsync(readModel, Event(moved, grids[2], 2)))
            .ToArray();
        var failed = ProjectAsync(readModel, refused);

        await Task.WhenAll(writes);
        await Assert.ThrowsAnyAsync<Exception>(() => failed);

        var rows = await store.RowsAsync("SELECT id, version FROM gridgov_cases WHERE district = @d", ("d", d));
        var expected = batches.SelectMany(b => b).Select(e => (e.CaseId, 1L)).Append((moved, 5L)).OrderBy(r => r.Item1, StringComparer.Ordinal);
        Assert.Equal(
            expected,
            rows.Select(r => ((string)r[0]!, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture))).OrderBy(r => r.Item1, StringComparer.Ordinal));
        Assert.Equal(batches.Length * 5 + 2, await store.ScalarAsync("SELECT COUNT(*) FROM gridgov_case_events WHERE district = @d", ("d", d)));
    }
}
