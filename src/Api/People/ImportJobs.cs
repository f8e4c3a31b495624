using System.Text.Json;
using System.Threading.Channels;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.People;

public sealed record ImportJobView(string Id, string Kind, string Status, int Percent, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, JsonElement? Result, string? Error);

/// <summary>
/// Runs an import in the request, or — for a large file, or when the client sends <c>Prefer: respond-async</c> — spools
/// the body to a temporary file (never into memory), answers 202 with the job's location, and imports in the
/// background, reporting progress on the job. A job whose process died stops reporting and reads as interrupted;
/// imports are idempotent, so the client submits the file again.
/// </summary>
public sealed partial class ImportJobs(IClusterClient cluster, CallerSigner signer, TimeProvider time, ILogger<ImportJobs> logger) : BackgroundService
{
    public const long AsyncThresholdBytes = 1024 * 1024;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Channel<Func<CancellationToken, Task>> _work = Channel.CreateUnbounded<Func<CancellationToken, Task>>();

    public async Task<Results<Ok<T>, Accepted<ImportJobView>>> RunOrQueueAsync<T>(HttpRequest request, string kind, Func<Stream, CallerContext, CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        CsvRows.RequireCsv(request);
        var caller = request.HttpContext.Caller();
        var wantsAsync = request.Headers["Prefer"].ToString().Contains("respond-async", StringComparison.OrdinalIgnoreCase);
        if (!wantsAsync && request.ContentLength is not > AsyncThresholdBytes)
        {
            return TypedResults.Ok(await run(request.Body, caller, cancellationToken));
        }

        var id = Guid.NewGuid().ToString("N");
        var folder = Path.Combine(Path.GetTempPath(), "gridgov-imports");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{id}.csv");
        await using (var file = File.Create(path))
        {
            await request.Body.CopyToAsync(file, cancellationToken);
        }

        var job = cluster.GetGrain<IImportJobGrain>(id);
        var started = await job.StartAsync(kind, caller.Subject, caller.Scope, new FileInfo(path).Length);
        await _work.Writer.WriteAsync(token => RunJobAsync(job, path, caller, run, token), cancellationToken);
        return TypedResults.Accepted($"/api/v1/import-jobs/{id}", View(started, time.GetUtcNow()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
        {
            await work(stoppingToken);
        }
    }

    private async Task RunJobAsync<T>(IImportJobGrain job, string path, CallerContext caller, Func<Stream, CallerContext, CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        caller.Enter(signer);
        try
        {
            await using var file = File.OpenRead(path);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reporter = ReportProgressAsync(job, file, done.Token);
            try
            {
                var result = await run(file, caller, cancellationToken);
                await job.FinishAsync(ImportJobStatus.Completed, JsonSerializer.Serialize(result, Json), null);
            }
            finally
            {
                await done.CancelAsync();
                await reporter;
            }
        }
        catch (DomainException e)
        {
            await job.FinishAsync(ImportJobStatus.Failed, null, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogJobFailed(logger, e, path);
            await job.FinishAsync(ImportJobStatus.Failed, null, "The import failed; the error has been logged. Imports are idempotent: submit the file again.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task ReportProgressAsync(IImportJobGrain job, FileStream file, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await job.ProgressAsync(file.Position);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static ImportJobView View(ImportJobSnapshot job, DateTimeOffset now)
    {
        var status = job.Status == ImportJobStatus.Running && now - job.UpdatedAt > StaleAfter ? "interrupted" : job.Status.ToString().ToLowerInvariant();
        var percent = job.BytesTotal == 0 ? 100 : (int)(job.BytesDone * 100 / job.BytesTotal);
        return new ImportJobView(
            job.Id, job.Kind, status, job.Status == ImportJobStatus.Completed ? 100 : Math.Min(percent, 99), job.CreatedAt, job.UpdatedAt,
            job.ResultJson is null ? null : JsonDocument.Parse(job.ResultJson).RootElement.Clone(), job.Error);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job on {Path} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string path);
}

public static class ImportJobsApi
{
    public static void MapImportJobs(this RouteGroupBuilder api)
    {
        api.MapGet("/import-jobs/{id}", GetJob)
            .WithTags("Households")
            .RequireAuthorization(Policies.PeopleRead)
            .WithName("GetImportJob")
            .WithSummary("The progress and, when done, the result of a background import")
            .WithDescription("status is running, completed, failed or interrupted (its process stopped; submit the file again, imports are idempotent); percent is the share of the file read.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<ImportJobView>> GetJob(string id, HttpContext http, IClusterClient cluster, TimeProvider time)
    {
        var caller = http.Caller();
        var job = id.Length == 32 && id.All(char.IsAsciiHexDigitLower) ? await cluster.GetGrain<IImportJobGrain>(id).GetAsync() : null;
        if (job is null || (job.Owner != caller.Subject && caller.Role != Roles.Operator && !(caller.Role == Roles.DistrictAdmin && job.Scope == caller.Scope)))
        {
            throw DomainException.NotFound($"Import job {id} does not exist.");
        }

        return TypedResults.Ok(ImportJobs.View(job, time.GetUtcNow()));
    }
}
