using GridGov.Contracts.Cases;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;

namespace GridGov.Tests.Cases;

/// <summary>
/// Case reception's store on each database: the reports that arrive together are committed in one write (one statement
/// on PostgreSQL, one transaction on SQLite), with rows the case grains read through their own storage, and a case
/// stored already is never written twice: its reports are answered with what is stored.
/// </summary>
public sealed class CaseReceptionStoreTests
{
    private static NewCase Report(string grid, string description) =>
        new("event.other", description, CaseSource.GridPatrol, grid, null, null, "Block 3", null, null, [], CasePriority.Normal, null, "w-1");

    [Theory]
    [InlineData(DatabaseKind.PostgreSql)]
    [InlineData(DatabaseKind.Sqlite)]
    public async Task Concurrent_reports_are_each_stored_once_and_read_by_their_grains(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        await using var store = await MigratedStore.CreateAsync(kind);
        await using var cluster = await GridCluster.StartAsync(kind, store.ConnectionString);
        var d = Fresh.District();
        var grids = new[] { $"{d}001001001", $"{d}001001002", $"{d}001002001" };
        var reception = cluster.Client.GetGrain<ICaseReceptionGrain>(d);

        // 150 new cases, and 10 more each reported five times at once.
        var ids = Enumerable.Range(0, 150).Select(_ => CaseIds.New(d, DateTimeOffset.UtcNow)).ToArray();
        var contested = Enumerable.Range(0, 10).Select(_ => CaseIds.New(d, DateTimeOffset.UtcNow)).ToArray();
        var reports = ids.Select((id, i) => (Id: id, Report: Report(grids[i % 3], $"Case {i}")))
            .Concat(contested.SelectMany((id, i) => Enumerable.Range(0, 5).Select(n => (Id: id, Report: Report(grids[i % 3], $"Contested {i}, report {n}")))))
            .ToArray();
        var answers = await Task.WhenAll(reports.Select(r => reception.ReportAsync(r.Id, r.Report)));

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal((ids[i], $"Case {i}", grids[i % 3], 1L), (answers[i].Id, answers[i].Description, answers[i].GridCode, answers[i].Version));
        }

        // Each contested case has one description, the one that was stored first, in every answer.
        foreach (var group in answers.Skip(ids.Length).GroupBy(a => a.Id))
        {
            Assert.Single(group.Select(a => a.Description).Distinct());
        }

        // The grains read what reception stored (the same key, hashes and format as their storage), and act on it.
        foreach (var (id, answer) in ids.Zip(answers).Take(20).Concat(contested.Select(c => (c, answers.Skip(ids.Length).First(a => a.Id == c)))))
        {
            var grain = cluster.Client.GetGrain<ICaseGrain>(id);
            Assert.Equal(answer, await grain.GetAsync());
            Assert.Single((await grain.GetHistoryAsync())!.Events);
        }

        var filed = await cluster.Client.GetGrain<ICaseGrain>(ids[0]).ActAsync(new CaseAction(CaseActionKind.File, "cc", null), 1);
        Assert.Equal((CaseState.Filed, 2L), (filed.State, filed.Version));

        // A later report of a stored case answers it as stored.
        var again = await reception.ReportAsync(ids[1], Report(grids[0], "Replayed"));
        Assert.Equal(answers[1], again);

        var rows = await store.RowsAsync("SELECT grain_id_extension, version FROM orleans_storage WHERE grain_type = 'case'");
        var stored = rows.Where(r => ((string)r[0]!).StartsWith(d, StringComparison.Ordinal)).ToArray();
        Assert.Equal(ids.Length + contested.Length, stored.Length);
        Assert.Equal(ids.Length + contested.Length, stored.Select(r => (string)r[0]!).Distinct().Count());
        Assert.Equal(2L, Convert.ToInt64(stored.Single(r => (string)r[0]! == ids[0])[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
