using System.Collections.Concurrent;
using System.Text;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridGov.Tests.Telemetry;

/// <summary>
/// With <c>GridGov:Telemetry:OtlpEndpoint</c> set, metrics and traces are pushed over OTLP (HTTP/protobuf here, to a
/// stand-in collector that keeps the raw bodies): the API's requests and Orleans' grain calls as spans, GridGov's
/// instruments as metrics.
/// </summary>
public sealed class OtlpTests
{
    [Fact]
    public async Task Traces_and_metrics_reach_the_collector_when_an_endpoint_is_set()
    {
        await using var collector = await Collector.StartAsync();
        await using var api = new ApiFactory(Fresh.TempFolder(), new Dictionary<string, string?>
        {
            ["GridGov:Telemetry:OtlpEndpoint"] = collector.Address,
            ["GridGov:Telemetry:OtlpProtocol"] = "http/protobuf",
            // Export often, so the test waits a second, not a minute.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        using var client = api.CreateOperatorClient();
        var land = new Live.Territory(Fresh.District());
        await land.ImportAsync(client);
        await land.ReportAsync(client);

        // Instrumentation scope names travel as plain strings in the protobuf bodies.
        await Eventually.TrueAsync(
            () => Task.FromResult(collector.Contains("/v1/traces", "Microsoft.AspNetCore") && collector.Contains("/v1/traces", "Microsoft.Orleans")),
            "spans of ASP.NET Core and of Orleans at /v1/traces", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(
            () => Task.FromResult(collector.Contains("/v1/metrics", "gridgov.cases.reported")),
            "GridGov's cases-reported counter at /v1/metrics", TimeSpan.FromSeconds(30));
    }

    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

        private Collector(WebApplication app) => _app = app;

        public string Address { get; private set; } = "";

        public bool Contains(string path, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return _received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(bytes) >= 0);
        }

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var collector = new Collector(app);
            app.MapPost("/v1/{signal}", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body, http.RequestAborted);
                collector._received.Enqueue((http.Request.Path.Value!, body.ToArray()));
                // An empty protobuf message is a valid (empty) Export*ServiceResponse.
                http.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            collector.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return collector;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
