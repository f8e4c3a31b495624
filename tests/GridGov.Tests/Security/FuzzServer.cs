using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridGov.Tests.Security;

/// <summary>Errors the server logs while the fuzzer runs (with their stack traces), for the failure message.</summary>
internal sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public int Count => _entries.Count;

    public IEnumerable<string> Since(int count) => _entries.Skip(count);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
        }
    }
}

/// <summary>A body sent with Transfer-Encoding: chunked (no Content-Length).</summary>
internal sealed class ChunkedContent(byte[] data) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < data.Length; offset += 65_536)
        {
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(65_536, data.Length - offset)), cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>
/// The API on a real Kestrel socket (so the 32 MiB body limit and Kestrel's own parsing are what a client meets), in
/// Embedded mode on its own data folder and ports, with a district the fuzzer aims at and one it must never touch.
/// </summary>
public sealed class FuzzServer : IAsyncLifetime
{
    // Webhooks are registered with plain-http URLs of a closed local port, and give up after one attempt.
    private readonly ApiFactory _api = new(Fresh.TempFolder(), new Dictionary<string, string?>
    {
        ["GridGov:Webhooks:AllowInsecureUrls"] = "true",
        ["GridGov:Webhooks:MaxAttempts"] = "1",
        ["GridGov:Webhooks:PollInterval"] = "00:00:00.100",
    });
    private WebApplicationFactory<Program>? _host;

    public string OperatorKey { get; private set; } = "";

    public Uri Address { get; private set; } = null!;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 32 })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>The district whose territory and Party-building grid the fuzzer aims at.</summary>
    public string District { get; } = Fresh.District();

    /// <summary>The district whose API keys the fuzzer's key requests name; its district admin lists them before and after.</summary>
    public string Untouched { get; } = Fresh.District();

    public string Grid => $"{District}001001001";

    public string PartyGrid => $"{District}-PG1";

    public string KeyId { get; private set; } = "";

    public string UntouchedAdminKey { get; private set; } = "";

    internal ErrorLog Errors { get; } = new();

    internal FuzzTargets Targets { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = _api.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(Errors)));
        _host.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _host.StartServer();
        Address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        OperatorKey = (await File.ReadAllTextAsync(Path.Combine(_api.DataFolder, "bootstrap-api-key"))).Trim();

        var (x, y) = Fresh.Origin(District);
        var gridBoundary = Geo.Box(x, y, x + 0.1, y + 0.1);
        var import = await (await SendAsync(HttpMethod.Post, "/api/v1/territory/import", OperatorKey, Geo.Collection(
            Geo.Feature(District, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{District}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{District}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature(Grid, "Grid", gridBoundary)))).AssertOkAsync();
        Assert.Equal(0, import.GetProperty("rejected").GetArrayLength());
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-grids/{PartyGrid}", OperatorKey, $$"""{"name":"PG","gridCodes":["{{Grid}}"]}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        // Departments: one the reads and writes aim at, one the DELETE may remove.
        foreach (var department in new[] { "fuzz-dept", "fuzz-dept-del" })
        {
            await (await SendAsync(HttpMethod.Put, $"/api/v1/districts/{District}/departments/{department}", OperatorKey, """{"name":"Fuzz","contact":"0898 1234"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        }


        var people = new PeopleSeeds($"{District}-H1", $"{District}-H2", $"{District}-R1", $"{District}-PO1", $"{District}-M1");
        await (await SendAsync(HttpMethod.Put, $"/api/v1/households/{people.Household}", OperatorKey, $$"""{"gridCode":"{{Grid}}","building":"1","room":"101"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/households/{people.ResidentHousehold}", OperatorKey,
            $$"""{"gridCode":"{{Grid}}","building":"1","room":"102","residents":[{"id":"{{people.Resident}}","name":"R","gender":"male","birthYear":1970,"relation":"head","residenceType":"registered"}]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-organizations/{people.Organization}", OperatorKey, $$"""{"kind":"branch","name":"Empty branch","partyGridId":"{{PartyGrid}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-organizations/{District}-PO2", OperatorKey, $$"""{"kind":"branch","name":"Branch","partyGridId":"{{PartyGrid}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-members/{people.Member}", OperatorKey, $$"""{"name":"M","status":"full","mobile":false,"joined":"2000-07-01","organizationId":"{{District}}-PO2"}""")).AssertOkAsync(HttpStatusCode.Created);

        var deletable = new TerritorySeeds($"{District}001001002", $"{District}-PG2");
        await (await SendAsync(HttpMethod.Put, $"/api/v1/territory/{deletable.Grid}", OperatorKey, """{"name":"Empty grid"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/territory/{District}001001003", OperatorKey, """{"name":"Grid of the spare Party-building grid"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-grids/{deletable.PartyGrid}", OperatorKey, $$"""{"name":"Spare PG","gridCodes":["{{District}}001001003"]}""")).AssertOkAsync(HttpStatusCode.Created);

        UntouchedAdminKey = await CreateKeyAsync(Roles.DistrictAdmin, Untouched);
        KeyId = (await CreateKeyAsync(Roles.Viewer, Untouched)).Split('_')[1];
        Targets = new FuzzTargets(District, Grid, gridBoundary, PartyGrid, KeyId, Untouched, people, await WebhooksAsync(x, y), deletable);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _api.DisposeAsync();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? apiKey, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Address, path));
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        // Headers first: an event stream never ends, and its callers read no body from it.
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Sends a generated request exactly as generated: the target is not normalized, headers are not validated.</summary>
    internal async Task<Answer> SendAsync(FuzzCase c, string? apiKey, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var uri = new Uri(Address.GetLeftPart(UriPartial.Authority) + c.Target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using var request = new HttpRequestMessage(new HttpMethod(c.Operation.Method), uri);
            if (c.Body is not null)
            {
                request.Content = c.Chunked ? new ChunkedContent(c.Body) : new ByteArrayContent(c.Body);
                if (c.ContentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
                }
            }

            foreach (var (name, value) in c.Headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (apiKey is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
            }

            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            var body = IsEventStream(response) ? "" : await response.Content.ReadAsStringAsync(cancel.Token);
            return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, false, null, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new Answer(0, null, "", true, null, Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new Answer(0, null, "", false, e, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>A server-sent event stream: it stays open, so only its status and headers are read.</summary>
    internal static bool IsEventStream(HttpResponseMessage response) =>
        response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "text/event-stream";

    /// <summary>Webhooks of the district and a dead letter of one of them, from a case reported in the grid.</summary>
    private async Task<FuzzWebhooks> WebhooksAsync(double x, double y)
    {
        async Task<string> RegisterAsync(string events) =>
            (await (await SendAsync(HttpMethod.Post, $"/api/v1/districts/{District}/webhooks", OperatorKey,
                $$"""{"url":"http://127.0.0.1:9/fuzz","events":{{events}},"territory":"{{Grid}}"}""")).AssertOkAsync(HttpStatusCode.Created))
                .GetProperty("id").GetString()!;

        var deletable = await RegisterAsync("""["merged"]""");
        var spare = await RegisterAsync("""["merged"]""");
        var failing = await RegisterAsync("""["reported"]""");
        await (await SendAsync(HttpMethod.Post, "/api/v1/cases", OperatorKey, FormattableString.Invariant(
            $$"""{"category":"event.other","description":"fuzz","source":"gridPatrol","lat":{{y + 0.05}},"lon":{{x + 0.05}}}"""))).AssertOkAsync(HttpStatusCode.Created);
        var letters = await Eventually.MatchesAsync(
            async () => (await (await SendAsync(HttpMethod.Get, $"/api/v1/districts/{District}/webhooks/{failing}/dead-letters", OperatorKey)).AssertOkAsync()).GetProperty("items"),
            items => items.GetArrayLength() == 1,
            $"a dead letter of webhook {failing}");
        return new FuzzWebhooks(deletable, spare, failing, letters[0].GetProperty("deliveryId").GetString()!);
    }

    private async Task<string> CreateKeyAsync(string role, string scope)
    {
        var created = await (await SendAsync(HttpMethod.Post, "/api/v1/api-keys", OperatorKey, $$"""{"name":"{{role}} of {{scope}}","role":"{{role}}","scope":"{{scope}}"}"""))
            .AssertOkAsync(HttpStatusCode.Created);
        return created.GetProperty("key").GetString()!;
    }
}
