using System.Globalization;
using System.Net;
using GridGov.Hosting.Storage;
using Microsoft.Extensions.Configuration;

namespace GridGov.Hosting;

public enum HostingMode
{
    /// <summary>One process: a co-hosted silo, localhost clustering, state in a SQLite file.</summary>
    Embedded,

    /// <summary>Silos and API processes sharing PostgreSQL for membership, state and reminders.</summary>
    Cluster,
}

/// <summary>
/// The per-type activation balancer (<c>GridGov:Balance</c>): whether a silo takes part, and how often it reports its
/// counts and carries out its share of the plan.
/// </summary>
public sealed record BalanceSettings(bool Enabled, TimeSpan Interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    public static readonly BalanceSettings Off = new(false, DefaultInterval);
}

/// <summary>A setting is missing or wrong. The message names the setting, so start-up fails with a clear reason.</summary>
public sealed class GridGovConfigurationException(string message) : Exception(message);

/// <summary>
/// The <c>GridGov</c> configuration section (environment variables <c>GridGov__…</c>), read and checked once at
/// start. Every host (the API, the headless silo, the migrate command, tests) goes through <see cref="Load"/>.
/// </summary>
public sealed record GridGovSettings
{
    public const string Section = "GridGov";

    public HostingMode Mode { get; init; } = HostingMode.Embedded;

    public DatabaseKind Database => Mode == HostingMode.Embedded ? DatabaseKind.Sqlite : DatabaseKind.PostgreSql;

    /// <summary>The database connection string: PostgreSQL (Npgsql) in Cluster mode, SQLite in Embedded mode.</summary>
    public required string ConnectionString { get; init; }

    public string DataFolder { get; init; } = "data";

    public string ClusterId { get; init; } = "gridgov";

    public string ServiceId { get; init; } = "gridgov";

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>The address other silos and clients reach this silo at (Cluster mode); default: the host's own.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>Whether the API process hosts a silo itself (always in Embedded mode) or joins the cluster as a client.</summary>
    public bool HostSilo { get; init; } = true;

    /// <summary>Whether a silo applies the schema migrations before it starts (default: in Embedded mode only).</summary>
    public bool MigrateOnStart { get; init; }

    /// <summary>
    /// The headless silo's HTTP port for <c>/health/live</c> and <c>/health/ready</c> (Kubernetes probes); unset, the
    /// silo opens no HTTP port. The API answers health on its own HTTP port and ignores this.
    /// </summary>
    public int? HealthPort { get; init; }

    /// <summary>
    /// Whether the silos run Orleans' activation rebalancer (experimental in Orleans 10), which migrates activations
    /// from busier silos to quieter ones, e.g. to a silo that has just joined (docs/operations.md, "Scale out and in").
    /// </summary>
    public bool Rebalance { get; init; }

    /// <summary>
    /// GridGov's own per-type balancer (<c>GridGov:Balance:*</c>): on by default in Cluster mode, it spreads the grids'
    /// views and the cases' activations evenly over the silos, e.g. after a silo joins (docs/operations.md).
    /// </summary>
    public BalanceSettings Balance { get; init; } = BalanceSettings.Off;

    public static GridGovSettings Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var mode = ParseEnum(section, "Mode", HostingMode.Embedded);
        var dataFolder = section["DataFolder"] is { Length: > 0 } folder ? folder : "data";
        var connectionString = section["ConnectionString"];

        if (mode == HostingMode.Cluster && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new GridGovConfigurationException(
                "GridGov:ConnectionString (GridGov__ConnectionString) is required in Cluster mode: a PostgreSQL connection string.");
        }

        if (mode == HostingMode.Cluster)
        {
            connectionString = TunePostgres(connectionString!);
        }

        if (mode == HostingMode.Embedded && string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = SchemaMigrator.SqliteConnectionString(Path.Combine(Path.GetFullPath(dataFolder), "gridgov.db"));
        }

        var hostSilo = ParseBool(section, "HostSilo", true);
        if (mode == HostingMode.Embedded && !hostSilo)
        {
            throw new GridGovConfigurationException("GridGov:HostSilo=false needs GridGov:Mode=Cluster: in Embedded mode the API hosts its silo.");
        }

        return new GridGovSettings
        {
            Mode = mode,
            ConnectionString = connectionString!,
            DataFolder = dataFolder,
            ClusterId = Required(section, "ClusterId", "gridgov"),
            ServiceId = Required(section, "ServiceId", "gridgov"),
            SiloPort = ParsePort(section, "SiloPort", 11111),
            GatewayPort = ParsePort(section, "GatewayPort", 30000),
            AdvertisedAddress = ParseAddress(section, "AdvertisedAddress"),
            HostSilo = hostSilo,
            MigrateOnStart = ParseBool(section, "MigrateOnStart", mode == HostingMode.Embedded),
            HealthPort = string.IsNullOrWhiteSpace(section["HealthPort"]) ? null : ParsePort(section, "HealthPort", 0),
            Rebalance = ParseBool(section, "Rebalance", false),
            Balance = new BalanceSettings(
                ParseBool(section, "Balance:Enabled", mode == HostingMode.Cluster),
                ParseInterval(section, "Balance:Interval", BalanceSettings.DefaultInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10))),
        };
    }

    /// <summary>
    /// Checks the PostgreSQL connection string and, unless it says otherwise, skips Npgsql's session reset when a pooled
    /// connection is returned (GridGov keeps no session state; the reset costs two round-trips per request), lets
    /// Npgsql prepare frequent statements automatically, and bounds how long a database that does not answer can hold a
    /// call (<see cref="ConnectTimeoutSeconds"/>, <see cref="CommandTimeoutSeconds"/>).
    /// </summary>
    private static string TunePostgres(string connectionString)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };

            // A database that is down refuses connections at once, but one behind a dead network path lets a connection
            // attempt hang for Npgsql's 15 s and a command for its 30 s, as long as the API's whole request timeout
            // (30 s): shorter bounds turn such a call into a retryable failure (503) well inside it.
            if (!given.ContainsKey("Timeout"))
            {
                builder.Timeout = ConnectTimeoutSeconds;
            }

            if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
            {
                builder.CommandTimeout = CommandTimeoutSeconds;
            }

            if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
            {
                builder.NoResetOnClose = true;
            }

            // Every statement GridGov and the Orleans providers send has a fixed text: prepare the frequent ones once
            // per connection instead of parsing and planning them on every call.
            if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                builder.MaxAutoPrepare = 64;
                builder.AutoPrepareMinUsages = 2;
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new GridGovConfigurationException($"GridGov:ConnectionString is not a valid PostgreSQL connection string: {e.Message}");
        }
    }

    /// <summary>Npgsql's connection timeout GridGov sets unless the connection string gives one (Npgsql's own: 15 s).</summary>
    public const int ConnectTimeoutSeconds = 5;

    /// <summary>Npgsql's command timeout GridGov sets unless the connection string gives one (Npgsql's own: 30 s; the migrations set their own).</summary>
    public const int CommandTimeoutSeconds = 15;

    private static string Required(IConfigurationSection section, string key, string fallback)
    {
        var value = section[key];
        if (value is null)
        {
            return fallback;
        }

        return string.IsNullOrWhiteSpace(value)
            ? throw new GridGovConfigurationException($"GridGov:{key} must not be empty.")
            : value.Trim();
    }

    private static T ParseEnum<T>(IConfigurationSection section, string key, T fallback)
        where T : struct, Enum
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new GridGovConfigurationException(
                $"GridGov:{key} must be one of {string.Join(", ", Enum.GetNames<T>())}, not '{value}'.");
    }

    private static int ParsePort(IConfigurationSection section, string key, int fallback)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new GridGovConfigurationException($"GridGov:{key} must be a TCP port from 1 to 65535, not '{value}'.");
    }

    internal static bool ParseBool(IConfigurationSection section, string key, bool fallback)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return bool.TryParse(value, out var parsed)
            ? parsed
            : throw new GridGovConfigurationException($"GridGov:{key} must be true or false, not '{value}'.");
    }

    private static TimeSpan ParseInterval(IConfigurationSection section, string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new GridGovConfigurationException($"GridGov:{key} must be a duration from {min:c} to {max:c}, not '{value}'.");
    }

    private static IPAddress? ParseAddress(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return IPAddress.TryParse(value, out var address)
            ? address
            : throw new GridGovConfigurationException($"GridGov:{key} must be an IP address, not '{value}'.");
    }
}
