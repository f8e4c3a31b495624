using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Hosting.Live;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Live;

/// <summary>Webhook subscriptions (and their sealed secrets) survive a restart of the host, on SQLite and on PostgreSQL.</summary>
public sealed class WebhookRestartTests(ReceiverFixture r) : IClassFixture<ReceiverFixture>
{
    [Fact]
    public async Task A_subscription_survives_a_restart_in_embedded_mode()
    {
        var folder = Fresh.TempFolder();
        await RestartAsync(() => new ApiFactory(folder, LiveFixture.QuickSettings()), factory => factory.BootstrapKey);
    }

    [Fact]
    public async Task A_subscription_survives_a_restart_in_cluster_mode()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var settings = LiveFixture.QuickSettings().InCluster(database.ConnectionString, "live");
        await RestartAsync(() => new ApiFactory(Fresh.TempFolder(), settings), _ => settings[ClusterSettings.BootstrapKey]!);
    }

    private async Task RestartAsync(Func<ApiFactory> start, Func<ApiFactory, string> operatorKey)
    {
        var land = new Territory(Fresh.District());
        var url = r.Receiver.Hook(Receiver.Mode.Ok);
        string id, secret;
        await using (var before = start())
        {
            using var op = before.CreateClient(operatorKey(before));
            await land.ImportAsync(op);
            (id, secret) = await WebhookTests.RegisterAsync(op, land.District, url, land.GridA);
        }

        await using var after = start();
        using var client = after.CreateClient(operatorKey(after));
        await (await client.GetAsync($"/api/v1/districts/{land.District}/webhooks/{id}")).AssertOkAsync();
        var caseId = await land.ReportAsync(client);
        var got = await Eventually.MatchesAsync(
            () => Task.FromResult(r.Receiver.To(url)),
            rs => rs.Any(x => x.Json.GetProperty("caseId").GetString() == caseId),
            $"case {caseId} delivered to webhook {id} after the restart");
        Assert.All(got, x => Assert.True(WebhookTests.SignatureVerifies(x, secret), "the signature made after the restart does not verify with the secret given before it"));
    }
}

/// <summary>Two hosts of one cluster on PostgreSQL both route and deliver: every event reaches a webhook exactly once.</summary>
public sealed class WebhookClusterTests(ReceiverFixture r) : IClassFixture<ReceiverFixture>
{
    [Fact]
    public async Task Two_hosts_make_one_delivery_per_event_and_never_the_same_attempt_twice()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var settings = LiveFixture.QuickSettings().InCluster(database.ConnectionString, "live");
        await using var first = new ApiFactory(Fresh.TempFolder(), settings);
        _ = first.Server;
        await using var second = new ApiFactory(Fresh.TempFolder(), settings);
        _ = second.Server;
        using var one = first.CreateClient(settings[ClusterSettings.BootstrapKey]!);
        using var two = second.CreateClient(settings[ClusterSettings.BootstrapKey]!);

        var land = new Territory(Fresh.District());
        await land.ImportAsync(one);
        var url = r.Receiver.Hook(Receiver.Mode.Ok);
        var (id, secret) = await WebhookTests.RegisterAsync(one, land.District, url, land.District, """["reported"]""");

        var cases = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            cases.Add(await land.ReportAsync(i % 2 == 0 ? one : two));
        }

        var got = await Eventually.MatchesAsync(
            () => Task.FromResult(r.Receiver.To(url)),
            rs => cases.All(c => rs.Any(x => x.Json.GetProperty("caseId").GetString() == c)),
            $"the 20 cases delivered to webhook {id}");

        // Once every delivery of the webhook is recorded delivered in the shared database, neither host claims one
        // again: what the receiver holds then is final.
        var store = first.Services.GetRequiredService<WebhookStore>();
        await Eventually.TrueAsync(
            async () => (await store.DeliveriesAsync(id, DeliveryStatus.Delivered, 0, 100, CancellationToken.None)).Count == 20
                && (await store.DeliveriesAsync(id, DeliveryStatus.Pending, 0, 1, CancellationToken.None)).Count == 0,
            $"the 20 deliveries to webhook {id} recorded delivered and none pending");
        got = r.Receiver.To(url);
        Assert.Equal(20, got.Count);
        Assert.Equal(20, got.Select(x => x.Delivery).Distinct().Count());
        Assert.All(got, x => Assert.True(WebhookTests.SignatureVerifies(x, secret)));
    }
}
