using GridGov.Api.Cameras;
using GridGov.Api.Cases;
using GridGov.Api.CommandCentre;
using GridGov.Api.Decisions;
using GridGov.Api.Enterprises;
using GridGov.Api.Infrastructure;
using GridGov.Api.Live;
using GridGov.Api.Open311;
using GridGov.Api.Patrols;
using GridGov.Api.Operations;
using GridGov.Api.People;
using GridGov.Api.Points;
using GridGov.Api.Police;
using GridGov.Api.Security;
using GridGov.Api.ServicePoints;
using GridGov.Api.Territory;
using GridGov.Hosting;

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddGridGov();
    builder.AddGridGovLive();
    builder.AddGridGovRequestTimeouts();
}
catch (GridGovConfigurationException e)
{
    await Console.Error.WriteLineAsync($"GridGov: configuration error: {e.Message}");
    return 2;
}

builder.AddGridGovApi();
builder.AddGridGovSecurity();
builder.Services.AddSingleton<ImportJobs>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportJobs>());

var app = builder.Build();
app.UseGridGovApi();
app.UseGridGovSecurity();
app.MapHealth();
app.MapMetrics();
app.MapCommandCentre();
app.MapDashboard();
app.MapOpen311();

var api = app.MapApiRoot();
api.MapTerritory();
api.MapTerritoryMap();
api.MapPartyGrids();
api.MapLocate();
api.MapApiKeys();
api.MapCaller();
api.MapAudit();
api.MapCategories();
api.MapOpen311Settings();
api.MapCases();
api.MapEscalation();
api.MapDepartments();
api.MapIndicators();
api.MapPeople();
api.MapPoints();
api.MapImportJobs();
api.MapLiveEvents();
api.MapWebhooks();
api.MapCluster();
api.MapDecisions();
api.MapPolice();
api.MapEnterprises();
api.MapCameras();
api.MapServicePoints();
api.MapPatrols();

await app.RunAsync();
return 0;

/// <summary>The API's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
