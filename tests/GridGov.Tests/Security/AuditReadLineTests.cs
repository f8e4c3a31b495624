using GridGov.Hosting;
using GridGov.Hosting.Security;
using GridGov.Hosting.Storage;
using GridGov.Tests.Storage;

namespace GridGov.Tests.Security;

/// <summary>Personal-data read lines: queued without waiting, kept with their data subject and purpose, committed by a graceful stop.</summary>
public sealed class AuditReadLineTests
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task Queued_read_lines_are_all_committed_by_a_graceful_stop_and_found_by_their_subject(DatabaseKind kind)
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var settings = new GridGovSettings
        {
            Mode = kind == DatabaseKind.PostgreSql ? HostingMode.Cluster : HostingMode.Embedded,
            ConnectionString = store.ConnectionString,
        };
        using var logs = new GridGov.Tests.Infrastructure.CapturedLogs();
        using var audit = new AuditLog(settings, TimeProvider.System, new Microsoft.Extensions.Logging.Logger<AuditLog>(new Microsoft.Extensions.Logging.LoggerFactory([logs])));
        await audit.StartAsync(CancellationToken.None);
        var at = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

        // More than one batch, queued at once; the stop comes right after, with most of them still queued.
        for (var i = 0; i < 600; i++)
        {
            Assert.True(audit.TryAppend(new AuditEntry(
                at.AddSeconds(i), "key-1", "command-centre", "110105", "110105", "GET /api/v1/households/{id}", $"110105-H{i % 3}", 200,
                null, null, StaffId: i % 2 == 0 ? "s-7" : null, DataSubject: $"household:110105-H{i % 3}", Purpose: i % 2 == 0 ? "welfare visit" : null)));
        }

        await audit.StopAsync(CancellationToken.None);
        Assert.True(!logs.Lines.Any(l => l.Contains("lost", StringComparison.Ordinal)), string.Join("\n", logs.Lines));
        Assert.Equal(600, await store.ScalarAsync("SELECT COUNT(*) FROM gridgov_audit_log"));

        var one = await audit.QueryAsync(null, null, 1000, CancellationToken.None, "household:110105-H1");
        Assert.Equal(200, one.Count);
        Assert.All(one, e => Assert.Equal(("household:110105-H1", "110105-H1"), (e.DataSubject, e.Entity)));
        Assert.Equal(100, one.Count(e => e is { StaffId: "s-7", Purpose: "welfare visit" }));
        Assert.Equal(100, one.Count(e => e is { StaffId: null, Purpose: null }));
    }
}
