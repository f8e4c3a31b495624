using System.Diagnostics;

namespace GridGov.IntakeBenchmark;

/// <summary>
/// One app server as a child process (its output in a log file), ready when an HTTP GET answers 200. Disposing
/// kills its whole process tree: the benchmark leaves no server behind, also when it fails or is interrupted.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly LogSink _log;

    private ServerProcess(string name, Process process, LogSink log, string logPath, Uri baseAddress)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    public static ServerProcess Start(
        string name, string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, string logPath, Uri baseAddress)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new LogSink(logPath);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => log.Write(e.Data);
        process.ErrorDataReceived += (_, e) => log.Write(e.Data);
        if (!process.Start())
        {
            log.Dispose();
            throw new InvalidOperationException($"Could not start {name}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(name, process, log, logPath, baseAddress);
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 200, failing early if the process exits.</summary>
    public async Task<TimeSpan> WaitReadyAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        while (started.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} while starting; see {LogPath}:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(path, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return started.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:F0} s; see {LogPath}:\n{Tail()}");
    }

    public bool HasExited => _process.HasExited;

    public string Tail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"intake-benchmark: stopping {Name} (pid {ProcessIdOrZero()}): {e.Message}");
        }

        _process.Dispose();
        _log.Dispose();
    }

    private int ProcessIdOrZero()
    {
        try
        {
            return _process.Id;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>The server's output, line by line, into its log file (lines after the end are dropped).</summary>
    private sealed class LogSink(string path) : IDisposable
    {
        private readonly StreamWriter _writer = new(path, append: false) { AutoFlush = true };
        private bool _closed;

        public void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_writer)
            {
                if (!_closed)
                {
                    _writer.WriteLine(line);
                }
            }
        }

        public void Dispose()
        {
            lock (_writer)
            {
                _closed = true;
                _writer.Dispose();
            }
        }
    }
}
