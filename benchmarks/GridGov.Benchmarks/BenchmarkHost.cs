using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GridGov.Benchmarks;

/// <summary>
/// A GridGov silo in Embedded mode (SQLite in a data folder, localhost clustering on free ports), configured through
/// the same <see cref="GridGovHosting.AddGridGov"/> path as the API and the headless silo.
/// </summary>
public sealed class BenchmarkHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchmarkHost(IHost host, string dataFolder)
    {
        _host = host;
        DataFolder = dataFolder;
    }

    public string DataFolder { get; }

    /// <summary>The co-hosted client: grain calls take the same path as the API's in Embedded mode.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<BenchmarkHost> StartAsync(string dataFolder)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GridGov:Mode"] = "Embedded",
            ["GridGov:DataFolder"] = dataFolder,
            ["GridGov:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GridGov:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddGridGov();

        var host = builder.Build();
        await host.StartAsync();
        return new BenchmarkHost(host, dataFolder);
    }

    /// <summary>
    /// Makes the calls that follow on this execution context those of a signed municipal operator (every district),
    /// as the API does for each authenticated request; the silo refuses a district's grain to a call without one.
    /// </summary>
    public void EnterOperator() =>
        new CallerContext("benchmark", Roles.Operator, Scopes.All).Enter(_host.Services.GetRequiredService<CallerSigner>());

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The imported district on disk. The runner imports it once into a fresh folder and hands the folder to
/// BenchmarkDotNet's child processes in <see cref="FolderVariable"/>; a benchmark started without it imports its own.
/// </summary>
public static class BenchmarkData
{
    public const string FolderVariable = "GRIDGOV_BENCHMARK_DATA";

    private const string Marker = "benchmark-district-imported";

    /// <summary>The folder <see cref="FolderVariable"/> names, when a completed import is there.</summary>
    public static string? ImportedFolder() =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder && File.Exists(Path.Combine(folder, Marker))
            ? folder
            : null;

    /// <summary>A folder holding the imported district, importing it first when <see cref="FolderVariable"/> names none.</summary>
    public static async Task<string> FolderAsync() =>
        ImportedFolder() ?? (await ImportFreshAsync(BenchmarkDistrict.DefaultImportParallelism)).Folder;

    /// <summary>Imports the district into a new temporary folder and reports what it cost.</summary>
    public static async Task<(string Folder, ImportReport Report)> ImportFreshAsync(int parallelism)
    {
        var folder = Path.Combine(Path.GetTempPath(), "gridgov-benchmarks", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var host = await BenchmarkHost.StartAsync(folder);
        host.EnterOperator();
        var report = await BenchmarkDistrict.ImportAsync(host.Grains, parallelism);
        await File.WriteAllTextAsync(Path.Combine(folder, Marker), $"{report}\n");
        return (folder, report);
    }

    /// <summary>Starts a host on an imported folder and times the first locate, which activates the index grain.</summary>
    public static async Task<(TimeSpan Start, TimeSpan FirstIndexLocate, TimeSpan FirstLocatorLocate)> ColdStartAsync(string folder)
    {
        var clock = Stopwatch.StartNew();
        await using var host = await BenchmarkHost.StartAsync(folder);
        var start = clock.Elapsed;
        host.EnterOperator();

        var probe = BenchmarkDistrict.Probes(PointKind.Inside, 1)[0];
        clock.Restart();
        await host.Grains.GetGrain<ITerritoryIndexGrain>(BenchmarkDistrict.Code).LocateAsync(probe.Lat, probe.Lon);
        var firstIndex = clock.Elapsed;

        clock.Restart();
        await host.Grains.GetGrain<ILocatorGrain>(0).LocateAsync(probe.Lat, probe.Lon, null);
        return (start, firstIndex, clock.Elapsed);
    }
}
