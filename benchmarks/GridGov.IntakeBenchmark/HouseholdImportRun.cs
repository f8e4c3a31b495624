using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GridGov.IntakeBenchmark;

/// <summary>One household import: N households as one CSV upload, timed from the upload's start to its job's completion.</summary>
public sealed record ImportRun(
    int Round,
    int Households,
    int Residents,
    long Bytes,
    TimeSpan Upload,
    TimeSpan Elapsed,
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    string? FirstError,
    CpuUse Cpu,
    string LoadAverageBefore)
{
    public double HouseholdsPerSecond => Households / Elapsed.TotalSeconds;

    /// <summary>Every household created, none rejected, updated or unchanged.</summary>
    public bool Correct => Created == Households && Rejected == 0 && Updated == 0 && Unchanged == 0;
}

/// <summary>The household-import variant: the same GridGov server set-up as the intake runs, one CSV upload instead of load.</summary>
public sealed partial class Runner
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async Task<ImportRun> RunImportAsync(int round, CancellationToken cancellationToken)
    {
        const string name = "gridgov-import";
        var database = $"gridgov_r{round}_import";
        await postgres.CreateDatabaseAsync(database, cancellationToken);
        try
        {
            var loadAverage = LoadAverage();
            var started = await StartGridGovAsync(name, database, round, cancellationToken);
            await using var server = started.Server;

            // The district's grids first (as the intake runs); the operator key needs no API-key grain.
            var key = await PrepareAsync(server.BaseAddress, started.Bootstrap, GridGovVariant.Operator, cancellationToken);
            var (csv, residents) = HouseholdCsv.Build(district.GridCodes, options.Households, seed: round);
            Print($"{name}: uploading {options.Households} households ({residents} residents, {csv.Length / 1024.0 / 1024.0:F1} MiB of CSV) as one file");

            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);

            var before = CpuSnapshot.Take(server.ProcessId, postgres.ProcessId);
            var clock = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/households/import") { Content = new ByteArrayContent(csv) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
            request.Headers.Add("Prefer", "respond-async");
            using var accepted = await http.SendAsync(request, cancellationToken);
            var upload = clock.Elapsed;
            var acceptedBody = await accepted.Content.ReadAsStringAsync(cancellationToken);
            if (accepted.StatusCode != HttpStatusCode.Accepted || accepted.Headers.Location is not { } location)
            {
                throw new InvalidOperationException($"The household import answered {(int)accepted.StatusCode} (expected 202 with a Location): {acceptedBody}");
            }

            Print($"  202 after {upload.TotalSeconds:F1} s, job {location}");
            var (status, result, error) = await PollAsync(http, location, server, cancellationToken);
            var elapsed = clock.Elapsed;
            var cpu = CpuSnapshot.Take(server.ProcessId, postgres.ProcessId).Since(before);
            if (status != "completed" || result is not { } r)
            {
                throw new InvalidOperationException($"The import job ended {status}: {error}");
            }

            static int Count(JsonElement e, string p) => e.GetProperty(p).GetInt32();
            var errors = r.GetProperty("errors");
            var firstError = errors.GetArrayLength() > 0 ? errors[0].GetRawText() : null;
            var run = new ImportRun(round, options.Households, residents, csv.Length, upload, elapsed,
                Count(r, "created"), Count(r, "updated"), Count(r, "unchanged"), Count(r, "rejected"), firstError, cpu, loadAverage);
            Print($"{name}: {run.Households} households in {elapsed.TotalSeconds:F1} s = {run.HouseholdsPerSecond:F0} households/s ({residents / elapsed.TotalSeconds:F0} residents/s); "
                + $"result: created {run.Created}, updated {run.Updated}, unchanged {run.Unchanged}, rejected {run.Rejected}{(firstError is null ? "" : $", first error {firstError}")}"
                + $" → {(run.Correct ? "as expected" : $"NOT as expected ({run.Households} created, 0 rejected)")}");
            Print($"  CPU (cores): server {cpu.Server:F2}, PostgreSQL {cpu.Postgres:F2}, this process {cpu.Load:F2}, other processes {cpu.Other:F2}, machine {cpu.Machine:F2} of {Environment.ProcessorCount}"
                + $"  → per household: server {cpu.Server * 1e6 / run.HouseholdsPerSecond:F0} µs, PostgreSQL {cpu.Postgres * 1e6 / run.HouseholdsPerSecond:F0} µs");
            Print($"  households in the read model (gridgov_households) at completion: {await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM gridgov_households", cancellationToken)}");
            await StorageAsync(database, cancellationToken);
            return run;
        }
        finally
        {
            await postgres.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    /// <summary>Polls the job until it is no longer running; prints its progress every 10 s.</summary>
    private static async Task<(string Status, JsonElement? Result, string? Error)> PollAsync(
        HttpClient http, Uri location, ServerProcess server, CancellationToken cancellationToken)
    {
        var lastPrint = Stopwatch.StartNew();
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"{server.Name} exited during the import; see {server.LogPath}:\n{server.Tail()}");
            }

            using var response = await http.GetAsync(location, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {location} answered {(int)response.StatusCode}: {body}");
            }

            using var job = JsonDocument.Parse(body);
            var root = job.RootElement;
            var status = root.GetProperty("status").GetString() ?? "?";
            if (status != "running")
            {
                var result = root.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object ? r.Clone() : (JsonElement?)null;
                var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                return (status, result, error);
            }

            if (lastPrint.Elapsed >= TimeSpan.FromSeconds(10))
            {
                Print($"  job {status}, {root.GetProperty("percent").GetInt32()} % of the file read");
                lastPrint.Restart();
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}

/// <summary>A reproducible household CSV: one or two residents per household, spread over the district's grids.</summary>
public static class HouseholdCsv
{
    private const string Header = "household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags";
    private static readonly string[] Tags = ["", "", "", "elderly", "elderly;living-alone", "disabled", "low-income"];

    public static (byte[] Csv, int Residents) Build(IReadOnlyList<string> gridCodes, int households, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(households * 180);
        text.Append(Header).Append('\n');
        var residents = 0;
        for (var h = 0; h < households; h++)
        {
            var grid = gridCodes[h % gridCodes.Count];
            var building = 1 + (h / gridCodes.Count % 40);
            var room = 101 + (h / gridCodes.Count / 40 % 30) + (100 * (h / gridCodes.Count / 1200 % 30));
            var members = random.Next(2) + 1;
            for (var m = 0; m < members; m++)
            {
                var male = (h + m) % 2 == 0;
                var year = m == 0 ? 1940 + random.Next(60) : 1950 + random.Next(70);
                text.Append(CultureInfo.InvariantCulture,
                    $"B{h:D7},{grid},,{building},{1 + (h % 3)},{room},居民{h}-{m + 1},{(male ? "male" : "female")},{year},{(m == 0 ? "户主" : "配偶")},{(random.Next(5) == 0 ? "floating" : "registered")},,,{Tags[random.Next(Tags.Length)]}\n");
                residents++;
            }
        }

        return (Encoding.UTF8.GetBytes(text.ToString()), residents);
    }
}
