using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridGov.Tests.Live;

/// <summary>One message of a text/event-stream.</summary>
public sealed record SseMessage(string? Id, string Event, string Data)
{
    public long Position => long.Parse(Id!, CultureInfo.InvariantCulture);

    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    public string CaseId => Json.GetProperty("caseId").GetString()!;

    public string Type => Json.GetProperty("type").GetString()!;

    public override string ToString() => $"{Id} {Event} {(Event == "case" ? $"{CaseId} {Type}" : Data)}";
}

/// <summary>
/// A client of an event stream, as a browser's fetch() reads one: the raw response body, parsed into messages (and the
/// comments and id-only blocks, which a client must skip) on a background loop.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseMessage> _messages = Channel.CreateUnbounded<SseMessage>();
    private readonly Task _pump;

    private SseClient(HttpResponseMessage response)
    {
        _response = response;
        _pump = PumpAsync();
    }

    /// <summary>The last <c>id:</c> seen (with or without an event), as a browser's EventSource keeps it.</summary>
    public string? LastEventId { get; private set; }

    public List<string> Comments { get; } = [];

    public HttpResponseMessage Response => _response;

    public static async Task<SseClient> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Fail($"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseClient(response);
    }

    /// <summary>The next message, or a failure naming what was awaited.</summary>
    public async Task<SseMessage> NextAsync(string what, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            return await _messages.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No event-stream message within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds} s: expected {what}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The event stream ended: expected {what}.");
        }
    }

    /// <summary>Messages until one satisfies the condition; answers all of them, that one last.</summary>
    public async Task<List<SseMessage>> UntilAsync(Func<SseMessage, bool> condition, string what, TimeSpan? timeout = null)
    {
        var seen = new List<SseMessage>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out waiting for {what}; saw: {string.Join("; ", seen)}");
            }

            var message = await NextAsync(what + $" (saw: {string.Join("; ", seen)})", left);
            seen.Add(message);
            if (condition(message))
            {
                return seen;
            }
        }
    }

    /// <summary>The messages that arrive within <paramref name="quiet"/> of each other (for asserting that nothing else came).</summary>
    public async Task<List<SseMessage>> DrainAsync(TimeSpan quiet)
    {
        var seen = new List<SseMessage>();
        while (true)
        {
            using var cancel = new CancellationTokenSource(quiet);
            try
            {
                seen.Add(await _messages.Reader.ReadAsync(cancel.Token));
            }
            catch (OperationCanceledException)
            {
                return seen;
            }
            catch (ChannelClosedException)
            {
                return seen;
            }
        }
    }

    /// <summary>Completes when the server has ended the stream (messages may still wait to be read).</summary>
    public Task Ended => _pump;

    private async Task PumpAsync()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(body, Encoding.UTF8);
            string? id = null, type = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (id is not null)
                    {
                        LastEventId = id;
                    }

                    if (data.Length > 0)
                    {
                        _messages.Writer.TryWrite(new SseMessage(id, type ?? "message", data.ToString()));
                    }

                    (id, type) = (null, null);
                    data.Clear();
                }
                else if (line.StartsWith(':'))
                {
                    lock (Comments)
                    {
                        Comments.Add(line[1..].Trim());
                    }
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(data.Length > 0 ? "\n" : "").Append(line[6..]);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _pump;
        _stop.Dispose();
    }
}

/// <summary>
/// A district with two streets, each with a community and a grid, in an API in Embedded mode configured for quick
/// feeds and deliveries (tiny back-offs, short timeouts, plain-http webhooks to a receiver on this machine).
/// </summary>
public sealed class LiveFixture : IAsyncLifetime
{
    public static Dictionary<string, string?> QuickSettings() => new()
    {
        ["GridGov:Live:PollInterval"] = "00:00:00.050",
        ["GridGov:Live:GapGrace"] = "00:00:01",
        ["GridGov:Live:KeepAlive"] = "00:00:01",
        ["GridGov:Webhooks:AllowInsecureUrls"] = "true",
        ["GridGov:Webhooks:PollInterval"] = "00:00:00.050",
        ["GridGov:Webhooks:BackoffBase"] = "00:00:00.100",
        ["GridGov:Webhooks:MaxAttempts"] = "3",
        ["GridGov:Webhooks:Timeout"] = "00:00:02",
        ["GridGov:Webhooks:MaxInFlight"] = "4",
        ["GridGov:Webhooks:MaxInFlightPerWebhook"] = "2",
    };

    public ApiFactory Api { get; } = new(Fresh.TempFolder(), QuickSettings());

    public Territory Land { get; } = new(Fresh.District());

    public HttpClient Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        await Land.ImportAsync(Operator);
    }

    public async Task DisposeAsync()
    {
        Operator.Dispose();
        await Api.DisposeAsync();
    }
}

/// <summary>A district, street A ({d}001 → community {d}001001 → grid {d}001001001) and street B ({d}002 → … → grid {d}002001001).</summary>
public sealed class Territory(string district)
{
    public string District => district;

    public string StreetA => $"{district}001";

    public string GridA => $"{district}001001001";

    public string StreetB => $"{district}002";

    public string GridB => $"{district}002001001";

    public async Task ImportAsync(HttpClient client)
    {
        var (x, y) = Fresh.Origin(district);
        var body = Geo.Collection(
            Geo.Feature(district, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature(StreetA, "Street A", Geo.Box(x, y, x + 0.15, y + 0.15)),
            Geo.Feature($"{district}001001", "Community A", Geo.Box(x, y, x + 0.15, y + 0.15)),
            Geo.Feature(GridA, "Grid A", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature(StreetB, "Street B", Geo.Box(x + 0.2, y, x + 0.35, y + 0.15)),
            Geo.Feature($"{district}002001", "Community B", Geo.Box(x + 0.2, y, x + 0.35, y + 0.15)),
            Geo.Feature(GridB, "Grid B", Geo.Box(x + 0.2, y, x + 0.3, y + 0.1)));
        var result = await (await client.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
        Assert.Equal(0, result.GetProperty("rejected").GetArrayLength());
        // The worker the tests dispatch to, as staff of the district (an ancestor of every grid).
        await client.AddStaffAsync(district, ("w-1", "gridWorker"));
    }

    /// <summary>Reports a case through the API at a point of grid A or grid B; answers its id.</summary>
    public async Task<string> ReportAsync(HttpClient client, bool inB = false, string description = "Rubbish piled at the gate", string source = "gridPatrol")
    {
        var (x, y) = Fresh.Origin(district);
        var (lon, lat) = inB ? (x + 0.25, y + 0.05) : (x + 0.05, y + 0.05);
        var body = FormattableString.Invariant(
            $$$"""{"category":"event.environment","description":"{{{description}}}","source":"{{{source}}}","lat":{{{lat}}},"lon":{{{lon}}},"address":"Gate 3","reporter":{"name":"张三","phone":"13912345678"}}""");
        var created = await (await client.PostJsonAsync("/api/v1/cases", body)).AssertOkAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }

    public static async Task ActAsync(HttpClient client, string id, string action, string body = "{}") =>
        await (await client.PostJsonAsync($"/api/v1/cases/{id}/{action}", body)).AssertOkAsync();
}

/// <summary>A request a <see cref="Receiver"/> got.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public string Delivery => Headers["GridGov-Delivery"];

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A real HTTP receiver on a free loopback port (Kestrel). Each hook path behaves as it is told: answer 200, fail with
/// 500 a number of times first, always fail, or hang until the client gives up.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Behaviour> _behaviours = new();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private int _hanging;

    public enum Mode
    {
        /// <summary>Answer 200.</summary>
        Ok,

        /// <summary>Answer 500, always.</summary>
        Fail,

        /// <summary>Answer 500 the given number of times, then 200.</summary>
        FailFirst,

        /// <summary>Never answer: hold the request until the client gives up.</summary>
        Hang,
    }

    private sealed class Behaviour(Mode mode, int failures)
    {
        public Mode Mode { get; set; } = mode;

        public int FailuresLeft = failures;
    }

    private Receiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Requests to the hanging hooks that have not ended yet.</summary>
    public int Hanging => Volatile.Read(ref _hanging);

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/hooks/{name}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    /// <summary>A new hook URL with the given behaviour (FailFirst: fail <paramref name="failures"/> times, then answer 200).</summary>
    public string Hook(Mode mode, int failures = 0)
    {
        var name = Guid.NewGuid().ToString("N");
        _behaviours[name] = new Behaviour(mode, failures);
        return new Uri(Address, $"/hooks/{name}").AbsoluteUri;
    }

    public void Set(string url, Mode mode) => _behaviours[Name(url)].Mode = mode;

    public IReadOnlyList<ReceivedRequest> To(string url) => _received.Where(r => r.Path == new Uri(url).AbsolutePath).ToArray();

    private static string Name(string url) => new Uri(url).Segments[^1];

    private async Task<IResult> HandleAsync(string name, HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new ReceivedRequest(http.Request.Path.Value!, headers, body, DateTimeOffset.UtcNow));
        var behaviour = _behaviours.GetValueOrDefault(name) ?? new Behaviour(Mode.Fail, 0);
        switch (behaviour.Mode)
        {
            case Mode.Hang:
                Interlocked.Increment(ref _hanging);
                try
                {
                    await Task.Delay(Timeout.Infinite, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    Interlocked.Decrement(ref _hanging);
                }

                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
            case Mode.Fail:
            case Mode.FailFirst when Interlocked.Decrement(ref behaviour.FailuresLeft) >= 0:
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            default:
                return Results.Ok();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
