using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Hosting;
using GridGov.Hosting.Live;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace GridGov.Tests.Live;

/// <summary>The log reader's gap handling, on its own and against PostgreSQL committing positions out of order.</summary>
public sealed class CaseEventLogTests
{
    private static LiveEntry Entry(long position) => new(position, "460204", "460204001001001", "reported", "app", ReadOnlyMemory<byte>.Empty);

    private static long[] Positions(IReadOnlyList<LiveEntry> entries) => entries.Select(e => e.Position).ToArray();

    [Fact]
    public void A_missing_position_holds_back_what_follows_until_it_appears()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reader = new ContiguousReader(clock, TimeSpan.FromSeconds(3));

        var (taken, through) = reader.Take(0, [Entry(1), Entry(2), Entry(4), Entry(5)]);
        Assert.Equal([1L, 2], Positions(taken));
        Assert.Equal(2, through);

        clock.Advance(TimeSpan.FromSeconds(2));
        (taken, through) = reader.Take(2, [Entry(3), Entry(4), Entry(5)]);
        Assert.Equal([3L, 4, 5], Positions(taken));
        Assert.Equal(5, through);
        Assert.Equal(0, reader.Skipped);
    }

    [Fact]
    public void A_position_missing_longer_than_the_grace_period_is_skipped()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reader = new ContiguousReader(clock, TimeSpan.FromSeconds(3));

        Assert.Empty(reader.Take(10, [Entry(12)]).Entries);
        clock.Advance(TimeSpan.FromSeconds(2));

        // 14 is first seen missing now: it is younger than 11, and holds 15 back after 11 is given up.
        Assert.Empty(reader.Take(10, [Entry(12), Entry(13), Entry(15)]).Entries);
        clock.Advance(TimeSpan.FromSeconds(1.5));
        var (taken, through) = reader.Take(10, [Entry(12), Entry(13), Entry(15)]);
        Assert.Equal([12L, 13], Positions(taken));
        Assert.Equal(13, through);

        clock.Advance(TimeSpan.FromSeconds(2));
        (taken, through) = reader.Take(13, [Entry(15)]);
        Assert.Equal([15L], Positions(taken));
        Assert.Equal(15, through);
        Assert.Equal(2, reader.Skipped);
    }

    [Fact]
    public async Task The_tailer_delivers_a_lower_position_committed_after_a_higher_one_in_order()
    {
        await using var store = await MigratedStore.CreateAsync(DatabaseKind.PostgreSql);
        var log = new CaseEventLog(store.Kind, store.ConnectionString);
        var settings = LiveSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GridGov:Live:PollInterval"] = "00:00:00.020",
            ["GridGov:Live:GapGrace"] = "00:00:10",
        }).Build());
        using var tailer = new CaseEventTailer(log, settings, TimeProvider.System, NullLogger<CaseEventTailer>.Instance);
        await tailer.StartAsync(CancellationToken.None);
        try
        {
            var district = Fresh.District();
            using var subscription = await tailer.SubscribeAsync(district, null, CancellationToken.None);

            // The first transaction takes its position, the second a higher one and commits first.
            await using var slow = new NpgsqlConnection(store.ConnectionString);
            await slow.OpenAsync();
            await using var slowTransaction = await slow.BeginTransactionAsync();
            var lower = await InsertAsync(slow, slowTransaction, district, "first");
            await using (var fast = new NpgsqlConnection(store.ConnectionString))
            {
                await fast.OpenAsync();
                await InsertAsync(fast, null, district, "second");
            }

            // The higher position is visible but held back while the lower one is in flight.
            var early = await ReadOrNothingAsync(subscription, TimeSpan.FromMilliseconds(500));
            Assert.Null(early);

            await slowTransaction.CommitAsync();
            var first = await ReadOrNothingAsync(subscription, TimeSpan.FromSeconds(5));
            var second = await ReadOrNothingAsync(subscription, TimeSpan.FromSeconds(5));
            Assert.Equal(lower, first?.Position);
            Assert.Equal(lower + 1, second?.Position);
            Assert.Equal("first", JsonDocument.Parse(first!.Json).RootElement.GetProperty("note").GetString());
        }
        finally
        {
            await tailer.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("GridGov:Live:EventRetention", "00:59:59", "GridGov:Live:EventRetention")]
    [InlineData("GridGov:Live:EventRetention", "soon", "GridGov:Live:EventRetention")]
    [InlineData("GridGov:Live:ClientBuffer", "0", "GridGov:Live:ClientBuffer")]
    [InlineData("GridGov:Webhooks:MaxAttempts", "-1", "GridGov:Webhooks:MaxAttempts")]
    [InlineData("GridGov:Webhooks:AllowInsecureUrls", "yes", "GridGov:Webhooks:AllowInsecureUrls")]
    [InlineData("GridGov:Webhooks:MaxInFlightPerWebhook", "64", "GridGov:Webhooks:MaxInFlightPerWebhook")]
    public void A_wrong_setting_stops_the_start_naming_it(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var error = Assert.Throws<GridGovConfigurationException>(() =>
        {
            LiveSettings.Load(configuration);
            WebhookSettings.Load(configuration);
        });
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_back_off_doubles_from_its_base_up_to_its_maximum()
    {
        var settings = new WebhookSettings { BackoffBase = TimeSpan.FromSeconds(2), BackoffMax = TimeSpan.FromSeconds(60) };
        Assert.Equal([2.0, 4, 8, 16, 32, 60, 60], Enumerable.Range(1, 7).Select(n => settings.Backoff(n).TotalSeconds).ToArray());
    }

    private static async Task<LiveEntry?> ReadOrNothingAsync(LiveSubscription subscription, TimeSpan wait)
    {
        using var cancel = new CancellationTokenSource(wait);
        try
        {
            return await subscription.Events.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string district, string note)
    {
        var grid = $"{district}001001001";
        var snapshot = Cases.TestSnapshots.Reported($"{district}-20250101-{Guid.NewGuid():N}"[..25], grid, reportedBy: "hotline") with
        {
            Source = CaseSource.Hotline12345,
            Description = "d",
        };
        var e = new CaseEvent(Guid.NewGuid(), snapshot.Id, 1, "reported", grid, DateTimeOffset.UtcNow, "hotline", note, snapshot);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO gridgov_case_events (district, grid_code, case_id, version, type, at, payload)
            VALUES (@district, @grid, @case, 1, 'reported', now(), @payload) RETURNING position
            """, connection, transaction);
        command.Parameters.AddWithValue("district", district);
        command.Parameters.AddWithValue("grid", grid);
        command.Parameters.AddWithValue("case", snapshot.Id);
        command.Parameters.AddWithValue("payload", JsonSerializer.Serialize(e));
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
