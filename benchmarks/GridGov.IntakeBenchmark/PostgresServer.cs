using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace GridGov.IntakeBenchmark;

/// <summary>
/// A throwaway PostgreSQL cluster under a temp folder on a free port, as ./test.sh starts one (run as the
/// <c>postgres</c> user when this process is root, since initdb and postgres refuse root). <see cref="StopAsync"/> and
/// <see cref="RestartAsync"/> take it down and bring it back on the same port (a database outage);
/// <see cref="DisposeAsync"/> stops it (immediate) and deletes the folder. The test project compiles this file too
/// (its outage test needs a server of its own to stop).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly List<string> _settings = [];
    private bool _started;

    private PostgresServer(string bin, string root)
    {
        _bin = bin;
        _root = root;
        _data = Path.Combine(root, "data");
    }

    public int Port { get; private set; }

    public string Version { get; private set; } = "";

    /// <summary>The postmaster's process id (its children are the backends whose CPU time is counted).</summary>
    public int ProcessId { get; private set; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public static async Task<PostgresServer> StartAsync(bool durable, bool statStatements, IReadOnlyList<string> extraSettings, CancellationToken cancellationToken)
    {
        var bin = FindBin() ?? throw new InvalidOperationException(
            "No PostgreSQL server under /usr/lib/postgresql/*/bin (initdb, pg_ctl, postgres); install Debian's postgresql package.");
        var root = Directory.CreateTempSubdirectory("gridgov-intake-pg.").FullName;
        var server = new PostgresServer(bin, root);
        try
        {
            await server.InitAsync(durable, statStatements, extraSettings, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task InitAsync(bool durable, bool statStatements, IReadOnlyList<string> extraSettings, CancellationToken cancellationToken)
    {
        var socket = Path.Combine(_root, "sock");
        Directory.CreateDirectory(_data);
        Directory.CreateDirectory(socket);
        if (IsRoot)
        {
            await Tool.RunAsync("chown", ["-R", "postgres", _root], TimeSpan.FromSeconds(30), cancellationToken);
        }

        var initdb = await RunAsPostgresAsync(
            Path.Combine(_bin, "initdb"),
            ["-D", _data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
            TimeSpan.FromMinutes(2), cancellationToken, throwOnError: false);
        if (initdb.ExitCode != 0)
        {
            await RunAsPostgresAsync(Path.Combine(_bin, "initdb"), ["-D", _data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"],
                TimeSpan.FromMinutes(2), cancellationToken);
        }

        var settings = new List<string>
        {
            "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=" + socket, "-c max_connections=400",
        };
        if (!durable)
        {
            settings.AddRange(["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]);
        }

        settings.AddRange(extraSettings.Select(setting => "-c " + setting));
        if (statStatements)
        {
            settings.AddRange(["-c shared_preload_libraries=pg_stat_statements", "-c pg_stat_statements.max=1000"]);
        }

        _settings.AddRange(settings);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePorts.Take(1)[0];
            var start = await PgCtlStartAsync(port, cancellationToken);
            if (start.ExitCode == 0)
            {
                Port = port;
                _started = true;
                break;
            }

            if (attempt == 4)
            {
                throw new InvalidOperationException($"PostgreSQL did not start: {start.Output}\n{ReadLog()}");
            }
        }

        ReadProcessId();
        await using var connection = await OpenAsync("postgres", cancellationToken);
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        Version = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Stops the server (<c>fast</c>: sessions are ended, or <c>immediate</c>: a crash); the data stays.</summary>
    public async Task StopAsync(string mode, CancellationToken cancellationToken)
    {
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", mode, "-w", "stop"], TimeSpan.FromSeconds(60), cancellationToken);
        _started = false;
    }

    /// <summary>Starts a stopped server again on the same port with the same settings (bounded; after an immediate stop it recovers first).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var start = await PgCtlStartAsync(Port, cancellationToken);
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException($"PostgreSQL did not start again: {start.Output}\n{ReadLog()}");
        }

        _started = true;
        ReadProcessId();
    }

    private Task<Tool.Result> PgCtlStartAsync(int port, CancellationToken cancellationToken) =>
        RunAsPostgresAsync(
            Path.Combine(_bin, "pg_ctl"),
            ["-D", _data, "-l", Path.Combine(_root, "postgres.log"), "-w", "-t", "60", "start", "-o", $"-p {port} " + string.Join(' ', _settings)],
            TimeSpan.FromSeconds(90), cancellationToken, throwOnError: false);

    private void ReadProcessId() =>
        ProcessId = int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task CreateDatabaseAsync(string name, CancellationToken cancellationToken) =>
        ExecuteAsync("postgres", $"CREATE DATABASE {name}", cancellationToken);

    /// <summary>Drops a database (ending its sessions) and checkpoints, so the next app starts on a quiet server.</summary>
    public async Task DropDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", cancellationToken);
        await ExecuteAsync("postgres", "CHECKPOINT", cancellationToken);
    }

    public string ReadLog()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_root, "postgres.log"));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            try
            {
                await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"],
                    TimeSpan.FromSeconds(60), CancellationToken.None, throwOnError: false);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"intake-benchmark: could not stop PostgreSQL: {e.Message}");
                if (ProcessId > 0)
                {
                    try
                    {
                        Process.GetProcessById(ProcessId).Kill(entireProcessTree: true);
                    }
                    catch (Exception)
                    {
                        // Already gone.
                    }
                }
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"intake-benchmark: could not delete {_root}: {e.Message}");
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static Task<Tool.Result> RunAsPostgresAsync(
        string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken, bool throwOnError = true) =>
        IsRoot
            ? Tool.RunAsync("runuser", ["-u", "postgres", "--", file, .. args], timeout, cancellationToken, throwOnError)
            : Tool.RunAsync(file, args, timeout, cancellationToken, throwOnError);

    private static string? FindBin()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "pg_ctl")) && File.Exists(Path.Combine(d.Dir, "postgres")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Dir)
            .FirstOrDefault();
    }
}

/// <summary>Runs a short command to completion (bounded), capturing its output.</summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(
        string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken, bool throwOnError = true,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0} s.");
        }

        var output = (await stdout) + (await stderr);
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {output}");
        }

        return new Result(process.ExitCode, output);
    }
}

/// <summary>Free TCP ports on the loopback (asked of the OS, released at once: good enough for a benchmark).</summary>
public static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            l.Start();
            return l;
        }).ToArray();
        var ports = listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners)
        {
            l.Stop();
        }

        return ports;
    }
}
