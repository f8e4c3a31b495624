using GridGov.Tests.Infrastructure;
using GridGov.Hosting.Storage;
using Orleans.Runtime;

namespace GridGov.Tests.Storage;

/// <summary>The ADO.NET reminder table, running in real silos, against GridGov's migrated schema.</summary>
public abstract class ReminderStorageTests(DatabaseKind kind)
{
    [Fact]
    public async Task A_registered_reminder_is_persisted_listed_and_fires()
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");
        var cluster = await StorageClusters.StartAsync(store, serviceId);
        try
        {
            var key = "reminder/" + Guid.NewGuid().ToString("N");
            var grain = cluster.Client.GetGrain<IReminderProbeGrain>(key);
            await grain.RegisterAsync("tick", TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));

            Assert.Equal(["tick"], await grain.ListAsync());
            var rows = await store.RowsAsync(
                "SELECT grain_id, reminder_name, period_ms FROM orleans_reminders WHERE service_id = @s", ("@s", serviceId));
            var row = Assert.Single(rows);
            Assert.Equal(grain.GetGrainId().ToString(), row[0]);
            Assert.Equal("tick", row[1]);
            Assert.Equal(60_000L, Convert.ToInt64(row[2], System.Globalization.CultureInfo.InvariantCulture));

            await Eventually.MatchesAsync(() => Task.FromResult(ReminderTicks.Count(key, "tick")), n => n >= 1, "the reminder to fire");

            await grain.UnregisterAsync("tick");
            Assert.Empty(await grain.ListAsync());
            Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_reminders WHERE service_id = @s", ("@s", serviceId)));
        }
        finally
        {
            await StorageClusters.StopAsync(cluster);
        }
    }

    [Fact]
    public async Task The_reminder_table_keeps_etags_ranges_and_conditional_deletes()
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var cluster = await StorageClusters.StartAsync(store, "svc-" + Guid.NewGuid().ToString("N"));
        try
        {
            var table = cluster.SiloService<IReminderTable>();
            var grainId = GrainId.Create("reminderprobe", Guid.NewGuid().ToString("N"));
            var hash = grainId.GetUniformHashCode();
            var startAt = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
            var longPeriod = TimeSpan.FromDays(30); // more milliseconds than an int holds

            var first = new ReminderEntry { GrainId = grainId, ReminderName = "one", StartAt = startAt, Period = TimeSpan.FromMinutes(5) };
            var etag1 = await table.UpsertRow(first);
            first.Period = longPeriod;
            var etag2 = await table.UpsertRow(first);
            Assert.NotNull(etag1);
            Assert.NotEqual(etag1, etag2);
            await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "two", StartAt = startAt, Period = TimeSpan.FromMinutes(1) });

            var one = await table.ReadRow(grainId, "one");
            Assert.NotNull(one);
            Assert.Equal(grainId, one.GrainId);
            Assert.Equal(etag2, one.ETag);
            Assert.Equal(longPeriod, one.Period);
            Assert.Equal(startAt, one.StartAt);
            Assert.Equal(DateTimeKind.Utc, one.StartAt.Kind);
            Assert.Null(await table.ReadRow(grainId, "missing"));

            Assert.Equal(["one", "two"], Names(await table.ReadRows(grainId)));

            // Ranges are (begin, end]; a wrapped range (begin >= end as signed ints) goes through the second query.
            Assert.Equal(["one", "two"], Names(await table.ReadRows(hash - 1, hash)));
            Assert.Empty(Names(await table.ReadRows(hash, hash + 1)));
            Assert.Empty(Names(await table.ReadRows(hash, hash - 1)));
            Assert.Equal(["one", "two"], Names(await table.ReadRows(hash - 1, hash - 2)));
            Assert.Equal(["one", "two"], Names(await table.ReadRows(0, 0)));

            // Deletes are conditional on the ETag.
            Assert.False(await table.RemoveRow(grainId, "one", etag1!));
            Assert.True(await table.RemoveRow(grainId, "one", etag2!));
            Assert.False(await table.RemoveRow(grainId, "one", etag2!));
            Assert.Null(await table.ReadRow(grainId, "one"));

            await table.TestOnlyClearTable();
            Assert.Empty(Names(await table.ReadRows(grainId)));
        }
        finally
        {
            await StorageClusters.StopAsync(cluster);
        }
    }

    private static string[] Names(ReminderTableData data) =>
        [.. data.Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal)];
}

public sealed class PostgresReminderStorageTests() : ReminderStorageTests(DatabaseKind.PostgreSql);

public sealed class SqliteReminderStorageTests() : ReminderStorageTests(DatabaseKind.Sqlite);
