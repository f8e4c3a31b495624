using System.Net;
using GridGov.Hosting.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace GridGov.IntakeBenchmark;

/// <summary>
/// The bare ceiling: <c>POST /ceiling</c> → one new grain → one <c>[PersistentState]</c> write through Orleans'
/// ADO.NET grain storage on PostgreSQL (Npgsql invariant), in an ASP.NET Core app co-hosting its silo in cluster mode
/// (ADO.NET clustering on the same database). Nothing else: no auth, no routing, no events. Each report gets a new
/// grain, as each case does, so the ceiling pays the same activation (and its state read) per request.
/// <c>GET /hello</c> is the read paths' reference: a bare hello-world on the same Kestrel.
/// Run as <c>GridGov.IntakeBenchmark ceiling-server --urls http://127.0.0.1:PORT</c> with <c>Ceiling__*</c> settings.
/// </summary>
public static class CeilingServer
{
    public const string Command = "ceiling-server";
    private const string Storage = "Main";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var connectionString = builder.Configuration["Ceiling:ConnectionString"]
            ?? throw new InvalidOperationException("Ceiling:ConnectionString (Ceiling__ConnectionString) is required.");
        var clusterId = builder.Configuration["Ceiling:ClusterId"] ?? "ceiling";
        var siloPort = int.Parse(builder.Configuration["Ceiling:SiloPort"] ?? "11111", System.Globalization.CultureInfo.InvariantCulture);
        var gatewayPort = int.Parse(builder.Configuration["Ceiling:GatewayPort"] ?? "30000", System.Globalization.CultureInfo.InvariantCulture);

        await SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, connectionString);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (StorageInvariants.PostgreSql, connectionString));
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.AddAdoNetGrainStorage(Storage, o => (o.Invariant, o.ConnectionString) = (StorageInvariants.PostgreSql, connectionString));
        });

        var app = builder.Build();
        app.MapGet("/health", () => "ok");
        // The read paths' reference: Kestrel, routing and a constant answer, nothing else.
        app.MapGet("/hello", () => "Hello, world!");
        app.MapPost("/ceiling", async (CeilingReport report, IGrainFactory grains) =>
        {
            var id = Guid.NewGuid();
            await grains.GetGrain<ICeilingGrain>(id).WriteAsync(report);
            return TypedResults.Created($"/ceiling/{id}", new CeilingAck(id));
        });
        await app.RunAsync();
        return 0;
    }
}

/// <summary>The fields of a case report the ceiling keeps (the same JSON body as GridGov's intake).</summary>
[GenerateSerializer, Immutable, Alias("intake-benchmark.ceiling-report")]
public sealed record CeilingReport(
    [property: Id(0)] string Category,
    [property: Id(1)] string Description,
    [property: Id(2)] string Source,
    [property: Id(3)] double? Lat,
    [property: Id(4)] double? Lon);

public sealed record CeilingAck(Guid Id);

[GenerateSerializer, Alias("intake-benchmark.ceiling-state")]
public sealed class CeilingState
{
    [Id(0)] public CeilingReport? Report { get; set; }
    [Id(1)] public DateTimeOffset ReceivedAt { get; set; }
}

[Alias("intake-benchmark.ceiling")]
public interface ICeilingGrain : IGrainWithGuidKey
{
    [Alias("write")]
    Task WriteAsync(CeilingReport report);
}

internal sealed class CeilingGrain([PersistentState("ceiling", "Main")] IPersistentState<CeilingState> state) : Grain, ICeilingGrain
{
    public Task WriteAsync(CeilingReport report)
    {
        state.State.Report = report;
        state.State.ReceivedAt = DateTimeOffset.UtcNow;
        return state.WriteStateAsync();
    }
}
