using System.Threading.Channels;
using GridGov.Hosting;
using GridGov.Hosting.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Hosting.Security;

/// <summary>
/// One line of the audit log: who did what to which entity, from where, and how it ended. A personal-data read also
/// names whose data it returned (<see cref="DataSubject"/>, e.g. <c>household:{id}</c>) and the caller's stated
/// purpose (the X-Purpose header); <see cref="StaffId"/> is the staff member behind the key, when it names one.
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Subject,
    string Role,
    string Scope,
    string? District,
    string Action,
    string? Entity,
    int Status,
    string? RemoteIp,
    string? TraceId,
    long Id = 0,
    string? StaffId = null,
    string? DataSubject = null,
    string? Purpose = null);

/// <summary>
/// The append-only audit log (table <c>gridgov_audit_log</c>). Changes wait until their entry is committed
/// (<see cref="AppendAsync"/>), so an acknowledged change always has its audit line. Personal-data reads only queue
/// theirs (<see cref="TryAppend"/>): a read changes nothing, and waiting for a commit would add a database round
/// trip to every read. Entries that arrive together are committed together in one statement (group commit: a binary
/// COPY on PostgreSQL, a multi-row INSERT on SQLite).
/// A queued read line that fails to commit is kept and retried until it commits; while the database does not
/// answer the queue fills, and once it is full reads are refused (503) rather than served unrecorded. What a crash
/// can lose is what is queued and not yet committed: normally the last 10 to 20 milliseconds' lines (see <see cref="LingerAsync"/>); a graceful stop
/// commits what is queued first (docs/security.md, "Personal-data reads").
/// </summary>
public sealed partial class AuditLog(GridGovSettings settings, TimeProvider time, ILogger<AuditLog> logger) : BackgroundService
{
    // Large enough that a backlog (after a slow commit) drains in a few statements: with 256, a stall of PostgreSQL under
    // 16k audited reads a second filled the queue and refused reads while the writer caught up 256 lines at a time.
    private const int MaxBatch = 2048;
    private static readonly TimeSpan ReadLinger = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FinalFlush = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FlushRetryDelay = TimeSpan.FromMilliseconds(100);

    // Done is null for a read's line: nobody waits for it, and a failed commit is retried rather than reported.
    private readonly Channel<(AuditEntry Entry, TaskCompletionSource? Done)> _queue =
        Channel.CreateBounded<(AuditEntry, TaskCompletionSource?)>(new BoundedChannelOptions(10_000) { SingleReader = true });

    // The lines taken from the queue and not yet committed: the loop's, then (once it has ended) the final flush's.
    private readonly List<(AuditEntry Entry, TaskCompletionSource? Done)> _batch = new(MaxBatch);

    // PostgreSQL only: the one connection batches are copied on, kept open between them (used by the loop, then by the
    // final flush; never both at once). Taking one from the pool per batch rotated the batches over every pooled
    // connection's server process, each woken cold (docs/benchmarks.md, "Read paths").
    private NpgsqlConnection? _writer;

    // Set while a batch of read lines lingers: a change's line completes it, ending the linger at once.
    private TaskCompletionSource? _lingerCut;

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((entry, done), cancellationToken);
        // Queued first, then the linger cut: a linger that began before this line sees the cut, one that begins after
        // it finds the line in the queue (LingerAsync).
        Volatile.Read(ref _lingerCut)?.TrySetResult();
        await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues a line without waiting for its commit; false when the queue is full (the database is behind).</summary>
    public bool TryAppend(AuditEntry entry) => _queue.Writer.TryWrite((entry, null));

    /// <summary>The lines after <paramref name="after"/>, of one district and one data subject when they are given.</summary>
    public Task<IReadOnlyList<AuditEntry>> QueryAsync(string? district, long? after, int limit, CancellationToken cancellationToken, string? dataSubject = null) => Database.RunAsync(
        settings.Database,
        settings.ConnectionString,
        """
        SELECT id, at, subject, role, scope, district, action, entity, status, remote_ip, trace_id, staff_id, data_subject, purpose
        FROM gridgov_audit_log
        WHERE (@district IS NULL OR district = @district) AND (@data_subject IS NULL OR data_subject = @data_subject) AND id > @after
        ORDER BY id LIMIT @limit
        """,
        command =>
        {
            command.AddText("district", district);
            command.AddText("data_subject", dataSubject);
            command.AddParameter("after", after ?? 0L);
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(
            r => new AuditEntry(
                r.GetTimestamp(settings.Database, 1)!.Value, r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.GetInt32(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10),
                r.GetInt64(0), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12),
                r.IsDBNull(13) ? null : r.GetString(13)),
            cancellationToken),
        cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = _batch;
        try
        {
            while (batch.Count > 0 || await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (!TakeQueued(batch))
                {
                    await LingerAsync(batch, stoppingToken);
                }

                try
                {
                    await InsertAsync(batch.Select(b => b.Entry).ToList(), stoppingToken);
                    batch.ForEach(b => b.Done?.TrySetResult());
                    batch.Clear();
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A change's writer learns of the failure (its request fails); a read's line stays for the next try.
                    batch.ForEach(b => b.Done?.TrySetException(e));
                    batch.RemoveAll(b => b.Done is not null);
                    if (batch.Count > 0)
                    {
                        LogRetrying(logger, e, batch.Count);
                        await Task.Delay(RetryDelay, time, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left is committed by StopAsync.
        }
    }

    /// <summary>
    /// Moves queued lines into the batch, up to <see cref="MaxBatch"/>; true when one of them is a change's line (whose
    /// request waits for the commit).
    /// </summary>
    private bool TakeQueued(List<(AuditEntry Entry, TaskCompletionSource? Done)> batch)
    {
        var change = false;
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
            change |= item.Done is not null;
        }

        return change;
    }

    /// <summary>
    /// A batch of read lines only (nobody waits for them) waits up to <see cref="ReadLinger"/> for more lines before it
    /// is committed: part of what PostgreSQL spends on an audited read is per statement (its transaction, the COPY's
    /// start and end), and under a steady stream of reads the linger took its CPU per read from about 20 to 15 µs
    /// (docs/benchmarks.md, "Read paths"). A change's line ends the wait at once: its request waits for the commit.
    /// The wait is one timer rather than a wait on the queue, which resumed this loop for lines as they came (the thread
    /// pool's work items per audited read went from 3.3 to 3.2). It is real time, not the host's clock, as it is a
    /// matter of batching, not of what the lines record.
    /// </summary>
    private async Task LingerAsync(List<(AuditEntry Entry, TaskCompletionSource? Done)> batch, CancellationToken stoppingToken)
    {
        if (batch.Count >= MaxBatch)
        {
            return;
        }

        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _lingerCut, cut);
        try
        {
            // A change queued before the cut was set is in the queue now.
            if (!TakeQueued(batch))
            {
                // Cancelled at stop, the delay ends the linger too; what came is committed (or left to the final flush).
                await Task.WhenAny(Task.Delay(ReadLinger, stoppingToken), cut.Task);
            }
        }
        finally
        {
            Volatile.Write(ref _lingerCut, null);
        }

        TakeQueued(batch);
    }

    /// <summary>
    /// At a graceful stop, once the loop has ended (or never ran: a host stopped right after it started), commits what is
    /// still queued, for 15 seconds at most (and not past the host's shutdown timeout).
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false })
        {
            return;
        }

        var batch = _batch;
        // Bounded by the host's shutdown timeout too.
        using var timeout = new CancellationTokenSource(FinalFlush, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            while (batch.Count > 0 || _queue.Reader.TryPeek(out _))
            {
                TakeQueued(batch);
                try
                {
                    await InsertAsync(batch.Select(b => b.Entry).ToList(), deadline.Token);
                    batch.ForEach(b => b.Done?.TrySetResult());
                    batch.Clear();
                }
                catch (Exception e) when (!deadline.IsCancellationRequested)
                {
                    // E.g. the loop's cancelled statement reaching the database late and cancelling this one: again.
                    LogRetrying(logger, e, batch.Count);
                    await Task.Delay(FlushRetryDelay, time, deadline.Token);
                }
            }
        }
        catch (Exception e)
        {
            batch.ForEach(b => b.Done?.TrySetException(e));
            LogLost(logger, e, batch.Count + _queue.Reader.Count);
        }
        finally
        {
            await CloseWriterAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing {Count} audit lines of personal-data reads failed; retrying")]
    private static partial void LogRetrying(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping, {Count} audit lines could not be committed and are lost")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);

    private Task InsertAsync(List<AuditEntry> entries, CancellationToken cancellationToken) => settings.Database == DatabaseKind.PostgreSql
        ? CopyAsync(entries, cancellationToken)
        : Database.RunAsync(
            settings.Database,
            settings.ConnectionString,
            "INSERT INTO gridgov_audit_log (at, subject, role, scope, district, action, entity, status, remote_ip, trace_id, staff_id, data_subject, purpose) VALUES "
                + string.Join(", ", entries.Select((_, i) => string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"(@at{i}, @subject{i}, @role{i}, @scope{i}, @district{i}, @action{i}, @entity{i}, @status{i}, @ip{i}, @trace{i}, @staff{i}, @data{i}, @purpose{i})"))),
            command =>
            {
                for (var i = 0; i < entries.Count; i++)
                {
                    var e = entries[i];
                    command.AddTimestamp(settings.Database, $"at{i}", e.At);
                    command.AddParameter($"subject{i}", e.Subject);
                    command.AddParameter($"role{i}", e.Role);
                    command.AddParameter($"scope{i}", e.Scope);
                    command.AddText($"district{i}", e.District);
                    command.AddParameter($"action{i}", e.Action);
                    command.AddText($"entity{i}", e.Entity);
                    command.AddParameter($"status{i}", e.Status);
                    command.AddText($"ip{i}", e.RemoteIp);
                    command.AddText($"trace{i}", e.TraceId);
                    command.AddText($"staff{i}", e.StaffId);
                    command.AddText($"data{i}", e.DataSubject);
                    command.AddText($"purpose{i}", e.Purpose);
                }
            },
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken);

    /// <summary>
    /// On PostgreSQL a batch is one binary COPY: no statement to parse or plan, and no arrays to build and unpack. What
    /// the database spends per line is then the row and its three indexes (about 12 µs of its CPU a line on the
    /// benchmark's machine, docs/benchmarks.md "Read paths"). A COPY that fails or is cancelled writes nothing, so the
    /// batch stays whole for its retry.
    /// </summary>
    private async Task CopyAsync(List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        _writer ??= (NpgsqlConnection)await Database.OpenAsync(settings.Database, settings.ConnectionString, cancellationToken);
        try
        {
            await CopyAsync(_writer, entries, cancellationToken);
        }
        catch
        {
            // The connection may be mid-COPY or gone: the next batch opens a fresh one.
            await CloseWriterAsync();
            throw;
        }
    }

    private async Task CloseWriterAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY gridgov_audit_log (at, subject, role, scope, district, action, entity, status, remote_ip, trace_id, staff_id, data_subject, purpose) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var e in entries)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(e.At.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(e.Subject, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(e.Role, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(e.Scope, NpgsqlDbType.Text, cancellationToken);
            await WriteTextAsync(copy, e.District, cancellationToken);
            await copy.WriteAsync(e.Action, NpgsqlDbType.Text, cancellationToken);
            await WriteTextAsync(copy, e.Entity, cancellationToken);
            await copy.WriteAsync(e.Status, NpgsqlDbType.Integer, cancellationToken);
            await WriteTextAsync(copy, e.RemoteIp, cancellationToken);
            await WriteTextAsync(copy, e.TraceId, cancellationToken);
            await WriteTextAsync(copy, e.StaffId, cancellationToken);
            await WriteTextAsync(copy, e.DataSubject, cancellationToken);
            await WriteTextAsync(copy, e.Purpose, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
