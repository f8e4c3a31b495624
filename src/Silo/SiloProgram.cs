using GridGov.Hosting;
using GridGov.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GridGov.Silo;

/// <summary>
/// The headless silo for dedicated silo nodes: <c>dotnet run --project src/Silo</c>, configured by the
/// <c>GridGov</c> section like the API. <c>migrate</c> applies the schema and exits.
/// </summary>
public static class SiloProgram
{
    public static async Task<int> Main(string[] args)
    {
        var hostArgs = args.Where(a => a != "migrate").ToArray();
        var builder = Host.CreateApplicationBuilder(hostArgs);
        try
        {
            var settings = GridGovSettings.Load(builder.Configuration);
            if (args.Contains("migrate"))
            {
                var applied = await SchemaMigrator.MigrateAsync(settings.Database, settings.ConnectionString);
                Console.WriteLine($"GridGov: {applied} migration(s) applied to the {settings.Database} database; the schema is current.");
                return 0;
            }

            if (settings.HealthPort is { } healthPort)
            {
                await SiloHealth.RunAsync(hostArgs, healthPort);
                return 0;
            }

            builder.AddGridGov();
            await builder.Build().RunAsync();
            return 0;
        }
        catch (GridGovConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"GridGov: configuration error: {e.Message}");
            return 2;
        }
    }
}
