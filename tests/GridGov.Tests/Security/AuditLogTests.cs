using GridGov.Hosting;
using GridGov.Hosting.Security;
using GridGov.Hosting.Storage;
using GridGov.Tests.Storage;

namespace GridGov.Tests.Security;

/// <summary>The audit log's group commit on each database: concurrent appends, optional fields, every entry read back.</summary>
public sealed class AuditLogTests
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task Concurrent_appends_are_all_committed_with_their_fields(DatabaseKind kind)
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var settings = new GridGovSettings
        {
            Mode = kind == DatabaseKind.PostgreSql ? HostingMode.Cluster : HostingMode.Embedded,
            ConnectionString = store.ConnectionString,
        };
        using var audit = new AuditLog(settings, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditLog>.Instance);
        await audit.StartAsync(CancellationToken.None);
        var at = new DateTimeOffset(2026, 11, 27, 8, 30, 15, TimeSpan.FromHours(8));

        // Enough at once to fill more than one batch, half of them without the optional fields.
        await Task.WhenAll(Enumerable.Range(0, 600).Select(i => audit.AppendAsync(
            new AuditEntry(
                at.AddSeconds(i), $"key-{i}", "app", "110105", i % 2 == 0 ? "110105" : null, "POST /api/v1/cases",
                i % 2 == 0 ? $"110105-20261127-{i}" : null, 201 + (i % 3), i % 2 == 0 ? "10.0.0.7" : null, i % 2 == 0 ? $"trace-{i}" : null),
            CancellationToken.None)));

        var all = new List<AuditEntry>();
        for (long after = 0; all.Count < 600;)
        {
            var page = await audit.QueryAsync(null, after, 250, CancellationToken.None);
            Assert.NotEmpty(page);
            all.AddRange(page);
            after = page[^1].Id;
        }

        await audit.StopAsync(CancellationToken.None);
        Assert.Equal(600, all.Select(e => e.Subject).Distinct().Count());
        foreach (var e in all)
        {
            var i = int.Parse(e.Subject["key-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var full = i % 2 == 0;
            Assert.Equal(at.AddSeconds(i), e.At);
            Assert.Equal(full ? "110105" : null, e.District);
            Assert.Equal(full ? $"110105-20261127-{i}" : null, e.Entity);
            Assert.Equal(201 + (i % 3), e.Status);
            Assert.Equal(full ? "10.0.0.7" : null, e.RemoteIp);
            Assert.Equal(full ? $"trace-{i}" : null, e.TraceId);
            Assert.Equal(("app", "110105", "POST /api/v1/cases"), (e.Role, e.Scope, e.Action));
        }

        Assert.Equal(600, await store.ScalarAsync("SELECT COUNT(*) FROM gridgov_audit_log"));
    }
}
