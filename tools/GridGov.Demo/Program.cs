using System.Diagnostics;
using GridGov.Demo;

Options? options;
try
{
    options = Options.Parse(args);
}
catch (OptionsException e)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n\n{Options.Usage}");
    return 2;
}

if (options is null)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

var clock = Stopwatch.StartNew();
var district = DistrictPlan.Build(options.Seed);
var people = PeoplePlan.Build(district, options.Seed, options.Households, options.Members);
Console.WriteLine($"GridGov demo data for district {DistrictPlan.District} (天涯区), seed {options.Seed} (planned in {Report.Duration(clock.Elapsed)}):");
foreach (var line in PlanSummary.Lines(district, people))
{
    Console.WriteLine("  " + line);
}

if (options.DryRun)
{
    await File.WriteAllBytesAsync(options.Out, GeoJson.Write(district, indented: true));
    Console.WriteLine($"--dry-run: the territory ({district.Territory.Count} features) is in {Path.GetFullPath(options.Out)}; no server was contacted.");
    return 0;
}

string key;
try
{
    key = options.ReadKey();
}
catch (OptionsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

using var api = new ApiClient(options.Url, key, options.Concurrency, options.Rate);
var health = await api.GetAsync("/health/ready", cancel.Token);
if (!health.Ok)
{
    await Console.Error.WriteLineAsync($"GridGov at {options.Url} is not ready: GET /health/ready → {health.Status} {ProblemText.Of(health)}");
    return 1;
}

Console.WriteLine($"loading into {options.Url} ({options.Concurrency} requests in flight at most, {(options.Rate > 0 ? $"{options.Rate}/s at most" : "no pacing")})");
var report = new Report(options.ProgressInterval, () => api.Requests);
var loader = new Loader(api, report, options.Concurrency, cancel.Token);
try
{
    await loader.ImportTerritoryAsync(district, GeoJson.Write(district, indented: false));
    await loader.LoadPartyGridsAsync(district.PartyGrids);
    await loader.LoadOrganizationsAsync(district.Organizations);
    if (people.Members.Count > 0)
    {
        await loader.LoadMembersAsync(district, people.Members);
    }

    if (people.Households.Count > 0)
    {
        await loader.LoadHouseholdsAsync(people.Households);
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    report.Summary(api.Requests, api.Throttled, api.Retried);
    await Console.Error.WriteLineAsync("cancelled: the load stopped part-way; run it again to finish (what is there is kept).");
    return 130;
}

report.Summary(api.Requests, api.Throttled, api.Retried);
return report.Failures > 0 ? 1 : 0;
