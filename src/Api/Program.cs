using GridGov.Api.Infrastructure;
using GridGov.Api.Territory;
using GridGov.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddGridGov();
}
catch (GridGovConfigurationException e)
{
    await Console.Error.WriteLineAsync($"GridGov: configuration error: {e.Message}");
    return 2;
}

builder.AddGridGovApi();

var app = builder.Build();
app.UseGridGovApi();
app.MapHealth();
app.MapTerritory();
app.MapPartyGrids();
app.MapLocate();

await app.RunAsync();
return 0;

/// <summary>The API's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
