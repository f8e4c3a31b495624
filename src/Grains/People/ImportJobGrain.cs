using GridGov.Contracts;
using GridGov.Contracts.People;

namespace GridGov.Grains.People;

[GenerateSerializer, Alias("gridgov.import-job-state")]
internal sealed class ImportJobState
{
    [Id(0)] public ImportJobSnapshot? Job { get; set; }
}

internal sealed class ImportJobGrain(
    [PersistentState("import-job", ProviderNames.MainStorage)] IPersistentState<ImportJobState> state,
    TimeProvider time) : Grain, IImportJobGrain
{
    async Task<ImportJobSnapshot> IImportJobGrain.StartAsync(string kind, string owner, string scope, long bytesTotal)
    {
        var now = time.GetUtcNow();
        state.State.Job ??= new ImportJobSnapshot(this.GetPrimaryKeyString(), kind, owner, scope, ImportJobStatus.Running, bytesTotal, 0, null, null, now, now);
        await state.WriteStateAsync();
        return state.State.Job;
    }

    async Task IImportJobGrain.ProgressAsync(long bytesDone)
    {
        if (state.State.Job is { Status: ImportJobStatus.Running } job)
        {
            state.State.Job = job with { BytesDone = Math.Min(bytesDone, job.BytesTotal), UpdatedAt = time.GetUtcNow() };
            await state.WriteStateAsync();
        }
    }

    async Task IImportJobGrain.FinishAsync(ImportJobStatus status, string? resultJson, string? error)
    {
        if (state.State.Job is { } job)
        {
            state.State.Job = job with
            {
                Status = status,
                BytesDone = status == ImportJobStatus.Completed ? job.BytesTotal : job.BytesDone,
                ResultJson = resultJson,
                Error = error,
                UpdatedAt = time.GetUtcNow(),
            };
            await state.WriteStateAsync();
        }
    }

    Task<ImportJobSnapshot?> IImportJobGrain.GetAsync() => Task.FromResult(state.State.Job);
}
