using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GridGov.Tests.Cluster;

/// <summary>
/// The headless silo (GridGov.Silo.dll, built next to the test assembly because the tests reference the API, which
/// references the silo project) run as a separate OS process with <c>dotnet</c>, configured only through
/// <c>GridGov__…</c> environment variables, exactly as a deployment would start it. Its stdout and stderr are captured
/// so a failing test can show what the silo said. Disposing kills the process (and its tree) if it still runs.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int MaxCapturedLines = 600;

    // A last line of defence: processes still running when the test host exits (a hung or aborted run) are killed.
    private static readonly ConcurrentDictionary<SiloProcess, bool> Running = new();

    static SiloProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var silo in Running.Keys)
        {
            try
            {
                silo._process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    };

    private readonly Process _process;
    private readonly OutputLog _output;
    private readonly string _workingDirectory;
    private int _disposed;

    private SiloProcess(string name, Process process, OutputLog output, string workingDirectory)
    {
        Name = name;
        _process = process;
        _output = output;
        _workingDirectory = workingDirectory;
    }

    /// <summary>A label for messages (e.g. "silo-a").</summary>
    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Whether the test killed it (as opposed to the silo ending on its own).</summary>
    public bool WasKilled { get; private set; }

    /// <summary>The silo's output so far (the last lines, stdout and stderr interleaved).</summary>
    public string Output => _output.Text(Name);

    /// <summary>Starts <c>dotnet GridGov.Silo.dll [args]</c> with the given GridGov environment variables.</summary>
    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), "gridgov-tests", "silo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workingDirectory);

        var output = new OutputLog(MaxCapturedLines);
        var process = new Process { StartInfo = StartInfo(workingDirectory, environment, args), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("err", e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: the process did not start ({SiloBinary.Describe()}).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(name, process, output, workingDirectory);
        Running[silo] = true;
        return silo;
    }

    /// <summary>Runs <c>dotnet GridGov.Silo.dll [args]</c> to its end (bounded) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string name, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        await using var run = Start(name, environment, args);
        var exited = await run.WaitForExitAsync(timeout);
        if (!exited)
        {
            throw new TimeoutException($"{name} did not exit within {timeout.TotalSeconds:0} s.\n{run.Output}");
        }

        return (run._process.ExitCode, run.Output);
    }

    /// <summary>Waits (bounded) for the process to end; true when it did.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            // Also waits until the redirected streams are drained, so Output is complete afterwards.
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Asks the silo to stop (SIGTERM, as an orchestrator does) and waits for it to leave and exit.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])))
        {
            await kill!.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    /// <summary>Kills the silo without any grace (no shutdown, no membership update): a crash, as far as the cluster can tell.</summary>
    public async Task KillAsync()
    {
        WasKilled = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }

        if (!await WaitForExitAsync(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"{Name} (pid {ProcessId}) did not die within 30 s of being killed.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Best effort: nothing more a test's cleanup can do.
        }
        finally
        {
            Running.TryRemove(this, out _);
            _process.Dispose();
            try
            {
                Directory.Delete(_workingDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var binary = SiloBinary.Locate();
        var info = new ProcessStartInfo(SiloBinary.DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        // dotnet exec with the silo's own runtimeconfig and deps files: no reliance on the muxer guessing them.
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add("--runtimeconfig");
        info.ArgumentList.Add(binary.RuntimeConfig);
        info.ArgumentList.Add("--depsfile");
        info.ArgumentList.Add(binary.DepsFile);
        info.ArgumentList.Add(binary.Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Only what the test passes configures the silo: drop settings the test runner's environment may carry.
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("GridGov__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Orleans__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_ENVIRONMENT" or "ASPNETCORE_ENVIRONMENT")
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        info.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        // Two silos share two cores with the rest of the test run: workstation GC keeps each one small.
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>A bounded, thread-safe log of a process's output lines.</summary>
    private sealed class OutputLog(int capacity)
    {
        private readonly Queue<string> _lines = new();
        private int _dropped;

        public void Add(string stream, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue($"[{stream}] {line}");
                while (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                    _dropped++;
                }
            }
        }

        public string Text(string name)
        {
            lock (_lines)
            {
                var text = new StringBuilder();
                text.Append(CultureInfo.InvariantCulture, $"----- {name} output");
                if (_dropped > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $" (first {_dropped} line(s) dropped)");
                }

                text.AppendLine(" -----");
                foreach (var line in _lines)
                {
                    text.AppendLine(line);
                }

                text.Append(CultureInfo.InvariantCulture, $"----- end of {name} output -----");
                return text.ToString();
            }
        }
    }
}
