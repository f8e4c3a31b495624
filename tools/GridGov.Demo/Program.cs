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
var cases = CasePlans.Build(district, options.Seed, options.Cases);
Console.WriteLine($"GridGov demo data for district {DistrictPlan.District} (天涯区), seed {options.Seed} (planned in {Report.Duration(clock.Elapsed)}):");
foreach (var line in PlanSummary.Lines(district, people).Concat(CaseSummary.Planned(cases)))
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
try
{
    var health = await api.GetAsync("/health/ready", cancel.Token);
    if (!health.Ok)
    {
        await Console.Error.WriteLineAsync($"GridGov at {options.Url} is not ready: GET /health/ready → {health.Status} {ProblemText.Of(health)}");
        return 1;
    }

    // A wrong key (or a role that may not write) would fail every request of the load: find out with one.
    var probe = await api.GetAsync($"/api/v1/territory/{DistrictPlan.District}", cancel.Token);
    if (probe.Status is not (200 or 404))
    {
        await Console.Error.WriteLineAsync($"The key is not accepted for district {DistrictPlan.District}: GET {probe.Path} → {probe.Status} {ProblemText.Of(probe)}");
        return 1;
    }
}
catch (HttpRequestException e)
{
    await Console.Error.WriteLineAsync($"GridGov at {options.Url} cannot be reached: {e.Message}");
    return 1;
}

Console.WriteLine($"loading into {options.Url} ({options.Concurrency} requests in flight at most, {(options.Rate > 0 ? $"{options.Rate}/s at most" : "no pacing")})");
var report = new Report(options.ProgressInterval, () => api.Requests);
var loader = new Loader(api, report, options.Concurrency, cancel.Token);

// Parents first; a stage with failures stops the load, for what follows depends on it.
List<(string Name, Func<Task> Load)> stages =
[
    ("territory", () => loader.ImportTerritoryAsync(district, GeoJson.Write(district, indented: false))),
    ("Party-building grids", () => loader.LoadPartyGridsAsync(district.PartyGrids)),
    ("Party organizations", () => loader.LoadOrganizationsAsync(district.Organizations)),
    ("police areas", () => new PoliceLoader(api, report, cancel.Token).ImportAsync(PolicePlan.Build(district, options.Seed))),
    ("enterprises", () => new EnterpriseLoader(api, report, cancel.Token).LoadAsync(EnterprisePlans.Build(district, options.Seed))),
];
if (people.Members.Count > 0)
{
    stages.Add(("Party members", () => loader.LoadMembersAsync(district, people.Members)));
}

if (people.Households.Count > 0)
{
    stages.Add(("households", () => loader.LoadHouseholdsAsync(people.Households)));
}

// The Party-building practices (docs/party.md): rules, a year of meetings and volunteering, two villages' decisions.
var party = new PartyLoader(api, report, options.Concurrency, cancel.Token);
var today = DateOnly.FromDateTime(DateTime.UtcNow);
stages.Add(("point rules", () => party.LoadRulesAsync(PartyPlans.Rules(today))));
if (people.Members.Count > 0)
{
    stages.Add(("meetings", () => party.LoadMeetingsAsync(PartyPlans.Meetings(people.Members, options.Seed, today))));
    stages.Add(("volunteering grants", () => party.LoadGrantsAsync(PartyPlans.Volunteering(people.Members, options.Seed, today))));
}

stages.Add(("villages and decisions", () => party.LoadVillagesAsync(PartyPlans.Villages(district, DateTimeOffset.UtcNow))));

stages.Add(("service points", () => new ServicePointLoader(api, report, options.Concurrency, cancel.Token).LoadAsync(ServicePointPlans.Build(district, options.Seed))));

// dispatch takes only an assignee that exists: the grids' workers and the district's departments come first.
var staffLoader = new StaffLoader(api, report, options.Concurrency, cancel.Token);
if (cases.Count > 0)
{
    stages.Add(("staff", () => staffLoader.LoadStaffAsync(StaffPlans.Build(district, cases, options.Seed))));
    stages.Add(("departments", () => staffLoader.LoadDepartmentsAsync(StaffPlans.Departments)));
}

IReadOnlyDictionary<string, ApiClient> sourceKeys = new Dictionary<string, ApiClient>();
var caseLoader = new CaseLoader(api, report, options.Concurrency, options.Seed, cancel.Token, source => sourceKeys.GetValueOrDefault(source) ?? api);
if (cases.Count > 0)
{
    stages.Add(("source keys", async () => sourceKeys = await SourceKeys.EnsureAsync(api, options, DistrictPlan.District, cancel.Token)));
    stages.Add(("cases", () => caseLoader.LoadAsync(cases)));
}

stages.Add(("cameras", () => new CameraLoader(api, report, options.Concurrency, cancel.Token).LoadAsync(CameraPlans.Build(district, options.Seed))));

var patrols = PatrolPlans.Build(district, options.Seed, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)));
stages.Add(("patrols", () => new PatrolLoader(api, k => new ApiClient(options.Url, k, 2, options.Rate), report, options.Concurrency, cancel.Token).LoadAsync(patrols)));

try
{
    foreach (var (name, load) in stages)
    {
        await load();
        if (report.Failures > 0 && name != stages[^1].Name)
        {
            report.Summary(api.Requests, api.Throttled, api.Retried);
            await Console.Error.WriteLineAsync($"stopped after the failures in {name} (printed above): what comes next depends on it. What was loaded stays; fix the cause and run again.");
            return 1;
        }
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    report.Summary(api.Requests, api.Throttled, api.Retried);
    await Console.Error.WriteLineAsync("cancelled: the load stopped part-way; run it again to finish (what is there is kept).");
    return 130;
}
catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
{
    report.Summary(api.Requests, api.Throttled, api.Retried);
    await Console.Error.WriteLineAsync($"GridGov stopped answering ({e.GetType().Name}: {e.Message}); run again when it is back.");
    return 1;
}

report.Summary(api.Requests, api.Throttled, api.Retried);
if (cases.Count > 0)
{
    foreach (var line in CaseSummary.Loaded(cases, caseLoader.Final))
    {
        Console.WriteLine(line);
    }
}

return report.Failures > 0 ? 1 : 0;
