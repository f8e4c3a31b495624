using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Hosting.Live;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Live;

/// <summary>A receiver started by the test, shared by the webhook tests of one class.</summary>
public sealed class ReceiverFixture : IAsyncLifetime
{
    public Receiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await Receiver.DisposeAsync();
}

/// <summary>Webhooks against a real HTTP receiver (Kestrel on a free loopback port), with tiny back-offs.</summary>
public sealed class WebhookTests(LiveFixture f, ReceiverFixture r) : IClassFixture<LiveFixture>, IClassFixture<ReceiverFixture>
{
    private Receiver Receiver => r.Receiver;

    private string Webhooks => $"/api/v1/districts/{f.Land.District}/webhooks";

    /// <summary>Registers a webhook for grid A (or the given territory) and answers its id and secret.</summary>
    internal static async Task<(string Id, string Secret)> RegisterAsync(HttpClient client, string district, string url, string territory, string events = "[\"*\"]")
    {
        var response = await client.PostJsonAsync($"/api/v1/districts/{district}/webhooks", $$"""{"url":"{{url}}","events":{{events}},"territory":"{{territory}}"}""");
        var created = await response.AssertOkAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/districts/{district}/webhooks/{id}", response.Headers.Location?.OriginalString);
        return (id, created.GetProperty("secret").GetString()!);
    }

    /// <summary>Checks a delivery's signature as docs/live.md tells receivers to.</summary>
    internal static bool SignatureVerifies(ReceivedRequest request, string secret)
    {
        var parts = request.Headers["GridGov-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(parts["t"] + "." + request.Body));
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts["t"], CultureInfo.InvariantCulture));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"])) && age < TimeSpan.FromMinutes(5);
    }

    /// <summary>
    /// Waits until the router has routed <paramref name="caseId"/>'s event of <paramref name="type"/>: until a probe
    /// webhook that wants every event of the territory got it (the router inserts a round's deliveries for every webhook in
    /// one transaction), and answers the event's position in the log.
    /// </summary>
    private async Task<long> RoutedAsync(string probeUrl, string caseId, string type)
    {
        var got = await ReceivedAsync(
            Receiver, probeUrl, rs => rs.Any(x => IsEvent(x, caseId, type)), $"the probe webhook to get the {type} event of case {caseId}");
        return got.First(x => IsEvent(x, caseId, type)).Json.GetProperty("position").GetInt64();
    }

    /// <summary>
    /// Asserts that webhook <paramref name="id"/> has no delivery of the event at <paramref name="position"/>, in any state.
    /// Once the router has routed the event this is final: the router never routes a position twice, and only a delivery
    /// row is ever attempted.
    /// </summary>
    private async Task AssertNoDeliveryAsync(string id, long position)
    {
        var store = f.Api.Services.GetRequiredService<WebhookStore>();
        foreach (var status in new[] { DeliveryStatus.Pending, DeliveryStatus.Delivered, DeliveryStatus.Dead })
        {
            var deliveries = await store.DeliveriesAsync(id, status, position - 1, 1, CancellationToken.None);
            Assert.DoesNotContain(deliveries, d => d.Position == position);
        }
    }

    private static bool IsEvent(ReceivedRequest request, string caseId, string type) =>
        request.Json.GetProperty("caseId").GetString() == caseId && request.Headers["GridGov-Event"] == type;

    private static Task<IReadOnlyList<ReceivedRequest>> ReceivedAsync(Receiver receiver, string url, Func<IReadOnlyList<ReceivedRequest>, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(() => Task.FromResult(receiver.To(url)), condition, what, timeout);

    [Fact]
    public async Task A_delivery_is_signed_with_the_secret_returned_at_registration()
    {
        var url = Receiver.Hook(Receiver.Mode.Ok);
        var probe = Receiver.Hook(Receiver.Mode.Ok);
        var (webhook, secret) = await RegisterAsync(f.Operator, f.Land.District, url, f.Land.GridA, """["reported","filed"]""");
        await RegisterAsync(f.Operator, f.Land.District, probe, f.Land.GridA);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var id = await f.Land.ReportAsync(f.Operator);
        await Territory.ActAsync(f.Operator, id, "file");
        await Territory.ActAsync(f.Operator, id, "dispatch", """{"assignee":"w-1"}""");
        var got = await ReceivedAsync(Receiver, url, rs => rs.Count(x => x.Json.GetProperty("caseId").GetString() == id) >= 2, $"two deliveries of case {id}");
        // Deliveries are not ordered (docs/live.md); their positions in the log are.
        var mine = got.Where(x => x.Json.GetProperty("caseId").GetString() == id).OrderBy(x => x.Json.GetProperty("position").GetInt64()).ToList();

        Assert.All(mine, x => Assert.True(SignatureVerifies(x, secret), $"signature {x.Headers["GridGov-Signature"]} does not verify"));
        Assert.False(SignatureVerifies(mine[0], secret + "x"));
        Assert.Equal(["reported", "filed"], mine.Select(x => x.Headers["GridGov-Event"]).ToArray());
        Assert.Equal(mine.Select(x => x.Json.GetProperty("type").GetString()), mine.Select(x => x.Headers["GridGov-Event"]));
        Assert.All(mine, x => Assert.True(Guid.TryParse(x.Delivery, out _)));
        Assert.Equal(2, mine.Select(x => x.Delivery).Distinct().Count());
        Assert.StartsWith("application/json", mine[0].Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("reported", mine[0].Json.GetProperty("case").GetProperty("state").GetString());
        Assert.DoesNotContain("张三", mine[0].Body, StringComparison.Ordinal);

        // The dispatch is not among the types the webhook asked for: routed (the probe got it), it made no delivery.
        var dispatched = await RoutedAsync(probe, id, "dispatched");
        await AssertNoDeliveryAsync(webhook, dispatched);
        Assert.DoesNotContain(Receiver.To(url), x => x.Headers["GridGov-Event"] == "dispatched");
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_under_the_same_delivery_id_until_it_succeeds()
    {
        var url = Receiver.Hook(Receiver.Mode.FailFirst, failures: 2);
        var (id, secret) = await RegisterAsync(f.Operator, f.Land.District, url, f.Land.GridA);
        var caseId = await f.Land.ReportAsync(f.Operator);

        var got = await ReceivedAsync(Receiver, url, rs => rs.Count >= 3, "three attempts");
        Assert.Single(got.Select(x => x.Delivery).Distinct());
        Assert.All(got, x => Assert.True(SignatureVerifies(x, secret)));
        Assert.All(got, x => Assert.Equal(caseId, x.Json.GetProperty("caseId").GetString()));
        Assert.True(got[2].At - got[0].At >= TimeSpan.FromMilliseconds(250), "the back-off (100 ms, then 200 ms) was not waited");

        // Recorded delivered, the delivery is never claimed again: the receiver's count is final.
        var store = f.Api.Services.GetRequiredService<WebhookStore>();
        await Eventually.TrueAsync(
            async () => (await store.DeliveriesAsync(id, DeliveryStatus.Delivered, 0, 10, CancellationToken.None)).Count == 1,
            $"the delivery of case {caseId} to webhook {id} to be recorded delivered");
        Assert.Equal(3, Receiver.To(url).Count);
        var dead = await (await f.Operator.GetAsync($"{Webhooks}/{id}/dead-letters")).AssertOkAsync();
        Assert.Equal(0, dead.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task After_the_last_attempt_a_delivery_is_a_dead_letter_that_can_be_replayed()
    {
        using var measurements = new Telemetry.GridGovMeasurements();
        var url = Receiver.Hook(Receiver.Mode.Fail);
        var (id, secret) = await RegisterAsync(f.Operator, f.Land.District, url, f.Land.GridA);
        var caseId = await f.Land.ReportAsync(f.Operator);

        var letters = await Eventually.MatchesAsync(
            async () => (await (await f.Operator.GetAsync($"{Webhooks}/{id}/dead-letters")).AssertOkAsync()).GetProperty("items"),
            items => items.GetArrayLength() == 1,
            $"a dead letter of webhook {id}");
        var letter = letters[0];
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Equal(500, letter.GetProperty("lastStatus").GetInt32());
        Assert.Equal(caseId, letter.GetProperty("payload").GetProperty("caseId").GetString());
        Assert.Equal(3, Receiver.To(url).Count);
        var deliveryId = letter.GetProperty("deliveryId").GetString()!;
        Assert.Equal(deliveryId, Receiver.To(url)[0].Delivery);
        // Other webhooks deliver meanwhile: at least this one's attempts.
        Assert.True(measurements.Total("gridgov.webhooks.deliveries", "retry") >= 2, "the two failed attempts were not counted");
        Assert.True(measurements.Total("gridgov.webhooks.deliveries", "dead_letter") >= 1, "the dead letter was not counted");

        // The receiver is fixed; the dead letter is replayed under its delivery id.
        Receiver.Set(url, Receiver.Mode.Ok);
        var replay = await (await f.Operator.PostJsonAsync($"{Webhooks}/{id}/dead-letters/{deliveryId}/replay", "{}")).AssertOkAsync(HttpStatusCode.Accepted);
        Assert.Equal(1, replay.GetProperty("replayed").GetInt32());
        var got = await ReceivedAsync(Receiver, url, rs => rs.Count == 4, "the replayed delivery");
        Assert.Equal(deliveryId, got[3].Delivery);
        Assert.True(SignatureVerifies(got[3], secret));
        await Eventually.TrueAsync(
            async () => (await (await f.Operator.GetAsync($"{Webhooks}/{id}/dead-letters")).AssertOkAsync()).GetProperty("items").GetArrayLength() == 0,
            "no dead letters after the replay");

        // A delivery that is not dead cannot be replayed; an unknown one does not exist.
        await (await f.Operator.PostJsonAsync($"{Webhooks}/{id}/dead-letters/{deliveryId}/replay", "{}")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await f.Operator.PostJsonAsync($"{Webhooks}/{id}/dead-letters/{Guid.NewGuid()}/replay", "{}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Replaying_all_dead_letters_delivers_each_again()
    {
        var url = Receiver.Hook(Receiver.Mode.Fail);
        var (id, _) = await RegisterAsync(f.Operator, f.Land.District, url, f.Land.GridA);
        var caseId = await f.Land.ReportAsync(f.Operator);
        await Territory.ActAsync(f.Operator, caseId, "file");
        await Eventually.TrueAsync(
            async () => (await (await f.Operator.GetAsync($"{Webhooks}/{id}/dead-letters?limit=1")).AssertOkAsync()).GetProperty("nextCursor").ValueKind == JsonValueKind.String,
            $"two dead letters of webhook {id} (a next page after the first)");

        Receiver.Set(url, Receiver.Mode.Ok);
        var replay = await (await f.Operator.PostJsonAsync($"{Webhooks}/{id}/dead-letters/replay", "{}")).AssertOkAsync(HttpStatusCode.Accepted);
        Assert.Equal(2, replay.GetProperty("replayed").GetInt32());
        var got = await ReceivedAsync(Receiver, url, rs => rs.Count == 8, "the two replayed deliveries after 3 + 3 attempts");
        Assert.Equal(["filed", "reported"], got.Skip(6).Select(x => x.Headers["GridGov-Event"]).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task A_hanging_receiver_does_not_delay_deliveries_to_another_webhook()
    {
        var hanging = Receiver.Hook(Receiver.Mode.Hang);
        var healthy = Receiver.Hook(Receiver.Mode.Ok);
        await RegisterAsync(f.Operator, f.Land.District, hanging, f.Land.StreetB);
        await RegisterAsync(f.Operator, f.Land.District, healthy, f.Land.StreetB);

        // More events than the hanging webhook may have in flight (2) and than all webhooks together (4).
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await f.Land.ReportAsync(f.Operator, inB: true));
        }

        var got = await ReceivedAsync(
            Receiver, healthy, rs => ids.All(id => rs.Any(x => x.Json.GetProperty("caseId").GetString() == id)), "every case at the healthy webhook",
            TimeSpan.FromSeconds(10));
        Assert.True(Receiver.Hanging > 0, "the hanging webhook's attempts had ended (timed out) before the healthy one got everything: it was delayed");
        Assert.InRange(Receiver.To(hanging).Count, 1, 2);
        Assert.True(got.Count >= 6);
    }

    [Fact]
    public async Task Webhooks_are_listed_read_and_deleted_and_their_secrets_never_shown_again()
    {
        var url = Receiver.Hook(Receiver.Mode.Ok);
        var (id, secret) = await RegisterAsync(f.Operator, f.Land.District, url, f.Land.StreetA, """["warned","overdue"]""");
        var read = await (await f.Operator.GetAsync($"{Webhooks}/{id}")).AssertOkAsync();
        Assert.Equal((url, f.Land.StreetA), (read.GetProperty("url").GetString(), read.GetProperty("territory").GetString()));
        Assert.Equal(["warned", "overdue"], read.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.False(read.TryGetProperty("secret", out _));

        var listed = await (await f.Operator.GetAsync($"{Webhooks}?limit=500")).AssertOkAsync();
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(secret, listed.GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await f.Operator.DeleteAsync($"{Webhooks}/{id}")).StatusCode);
        await (await f.Operator.GetAsync($"{Webhooks}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_registrations_are_400_naming_the_field()
    {
        async Task Refused(string body, string field) =>
            await (await f.Operator.PostJsonAsync(Webhooks, body)).AssertProblemAsync(HttpStatusCode.BadRequest, field);

        await Refused($$"""{"url":"ftp://x/y","events":["*"]}""", "url");
        await Refused($$"""{"url":"hooks/relative","events":["*"]}""", "url");
        await Refused($$"""{"url":"https://u:p@example.org/h","events":["*"]}""", "url");
        await Refused($$"""{"url":"https://example.org/h","events":["noise"]}""", "events[0]");
        await Refused($$"""{"url":"https://example.org/h","events":[]}""", "events");
        await Refused($$"""{"url":"https://example.org/h","events":["*"],"territory":"123456"}""", "territory");
        await Refused($$"""{"url":"https://example.org/h","events":["*"],"territory":"{{f.Land.District}}009"}""", "territory");
    }

    [Fact]
    public async Task An_app_manages_only_its_own_webhooks_and_they_carry_only_its_own_cases()
    {
        using var app = f.Api.CreateClient(await f.Api.CreateKeyAsync(Roles.App, f.Land.District));
        using var otherApp = f.Api.CreateClient(await f.Api.CreateKeyAsync(Roles.App, f.Land.District));
        var url = Receiver.Hook(Receiver.Mode.Ok);
        var probe = Receiver.Hook(Receiver.Mode.Ok);
        var (id, _) = await RegisterAsync(app, f.Land.District, url, f.Land.District);
        await RegisterAsync(f.Operator, f.Land.District, probe, f.Land.District);

        await (await otherApp.GetAsync($"{Webhooks}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, (await (await otherApp.GetAsync(Webhooks)).AssertOkAsync()).GetRawText(), StringComparison.Ordinal);
        await (await f.Operator.GetAsync($"{Webhooks}/{id}")).AssertOkAsync();

        var others = await f.Land.ReportAsync(f.Operator);
        var own = await f.Land.ReportAsync(app, source: "residentApp");
        await ReceivedAsync(Receiver, url, rs => rs.Any(x => x.Json.GetProperty("caseId").GetString() == own), $"the app's case {own}");
        var othersReported = await RoutedAsync(probe, others, "reported");
        await AssertNoDeliveryAsync(id, othersReported);
        Assert.DoesNotContain(Receiver.To(url), x => x.Json.GetProperty("caseId").GetString() == others);
    }
}
