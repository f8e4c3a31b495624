using System.Collections.Concurrent;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;

namespace GridGov.Api.People;

/// <summary>A bad row: its line, the entry it belongs to (named householdId in both imports, as it always was), the field and why.</summary>
public sealed record ImportRowError(long Line, string? HouseholdId, string Field, string Message);

/// <summary>
/// What the CSV imports share: entries are written a bounded number at a time while the file is still being read, each
/// write is counted by what it did (<see cref="SaveOutcome"/>), a domain refusal rejects its entry and is reported on its
/// line, and at most <see cref="MaxErrors"/> bad rows are listed.
/// </summary>
public sealed class ImportBatch(CancellationToken cancellationToken) : IDisposable
{
    private const int Parallelism = 32;
    private const int MaxErrors = 1000;

    private readonly SemaphoreSlim _gate = new(Parallelism);
    private readonly List<Task> _pending = [];
    private readonly ConcurrentQueue<ImportRowError> _errors = new();
    private int _created, _updated, _unchanged, _rejected;

    public int Created => _created;
    public int Updated => _updated;
    public int Unchanged => _unchanged;
    public int Rejected => _rejected;

    public void Error(long line, string? id, string field, string message) => _errors.Enqueue(new ImportRowError(line, id, field, message));

    public void Reject() => Interlocked.Increment(ref _rejected);

    public void Count(SaveOutcome outcome) =>
        Interlocked.Increment(ref outcome == SaveOutcome.Created ? ref _created : ref outcome == SaveOutcome.Updated ? ref _updated : ref _unchanged);

    /// <summary>Starts a write once fewer than the bounded number are running; a refusal rejects the entry of that line.</summary>
    public async Task SubmitAsync(long line, string? id, string field, Func<Task> write)
    {
        await _gate.WaitAsync(cancellationToken);
        _pending.Add(Task.Run(
            async () =>
            {
                try
                {
                    await write();
                }
                catch (DomainException e)
                {
                    Reject();
                    Error(line, id, e.Field ?? field, e.Message);
                }
                finally
                {
                    _gate.Release();
                }
            },
            cancellationToken));
    }

    /// <summary>Waits for the writes still running; answers the bad rows in line order, and whether the list was cut.</summary>
    public async Task<(IReadOnlyList<ImportRowError> Errors, bool Truncated)> FinishAsync()
    {
        await Task.WhenAll(_pending);
        var all = _errors.OrderBy(e => e.Line).ToArray();
        return (all.Take(MaxErrors).ToArray(), all.Length > MaxErrors);
    }

    public void Dispose() => _gate.Dispose();
}
