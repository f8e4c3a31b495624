using Orleans.Concurrency;

namespace GridGov.Contracts.People;

public enum ImportJobStatus
{
    Running,
    Completed,
    Failed,
}

[GenerateSerializer, Immutable, Alias("gridgov.import-job-snapshot")]
public sealed record ImportJobSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Scope,
    [property: Id(4)] ImportJobStatus Status,
    [property: Id(5)] long BytesTotal,
    [property: Id(6)] long BytesDone,
    [property: Id(7)] string? ResultJson,
    [property: Id(8)] string? Error,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt);

/// <summary>A long import running in the background: its progress and, at the end, its result (keyed by a random id).</summary>
[Alias("gridgov.import-job")]
public interface IImportJobGrain : IGrainWithStringKey
{
    [Alias("start")]
    Task<ImportJobSnapshot> StartAsync(string kind, string owner, string scope, long bytesTotal);

    [Alias("progress")]
    Task ProgressAsync(long bytesDone);

    [Alias("finish")]
    Task FinishAsync(ImportJobStatus status, string? resultJson, string? error);

    [ReadOnly, Alias("get")]
    Task<ImportJobSnapshot?> GetAsync();
}
