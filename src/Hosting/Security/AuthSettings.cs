using System.Globalization;
using System.Security.Cryptography;
using GridGov.Contracts.Security;
using GridGov.Hosting;
using Microsoft.Extensions.Configuration;

namespace GridGov.Hosting.Security;

/// <summary>A role's token bucket: sustained requests per second and the burst a key may spend at once.</summary>
public sealed record RateLimit(int PermitsPerSecond, int Burst);

/// <summary>
/// The <c>GridGov:Auth</c> section: the cluster secret that signs callers between processes, the bootstrap operator
/// key, and the per-role rate limits. In Embedded mode a missing secret or bootstrap key is generated once into the
/// data folder (owner-only permissions) and read back on later starts.
/// </summary>
public sealed record AuthSettings
{
    public const string ClusterSecretFile = "cluster-secret";
    public const string BootstrapKeyFile = "bootstrap-api-key";

    public required byte[] ClusterSecret { get; init; }

    public string? BootstrapApiKey { get; init; }

    /// <summary>Where a generated bootstrap key was written, to tell the person who started the process.</summary>
    public string? BootstrapApiKeyFile { get; init; }

    public required IReadOnlyDictionary<string, RateLimit> RateLimits { get; init; }

    /// <summary>The bucket of requests without a valid key, per client address (slows down key guessing).</summary>
    public const string Anonymous = "anonymous";

    public static readonly IReadOnlyDictionary<string, RateLimit> DefaultRateLimits = new Dictionary<string, RateLimit>
    {
        [Anonymous] = new(20, 40),
        [Roles.Operator] = new(200, 400),
        [Roles.DistrictAdmin] = new(100, 200),
        [Roles.CommandCentre] = new(200, 400),
        [Roles.GridWorker] = new(20, 40),
        [Roles.PartySecretary] = new(20, 40),
        [Roles.App] = new(50, 100),
        [Roles.Viewer] = new(20, 40),
    };

    public CallerSigner Signer() => new(ClusterSecret);

    /// <summary>The key of the personal-data hashes (identity and phone numbers), derived from the cluster secret.</summary>
    public byte[] PersonalDataKey() => _personalDataKey ??= HMACSHA256.HashData(ClusterSecret, "gridgov personal data"u8);

    private byte[]? _personalDataKey;

    public static AuthSettings Load(IConfiguration configuration, GridGovSettings settings)
    {
        var section = configuration.GetSection($"{GridGovSettings.Section}:Auth");
        var embedded = settings.Mode == HostingMode.Embedded;
        var folder = Path.GetFullPath(settings.DataFolder);

        byte[] secret;
        if (section["ClusterSecret"] is { Length: > 0 } configured)
        {
            secret = ParseSecret(configured, "GridGov:Auth:ClusterSecret");
        }
        else if (embedded)
        {
            secret = ParseSecret(ReadOrCreate(Path.Combine(folder, ClusterSecretFile), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), Path.Combine(folder, ClusterSecretFile));
        }
        else
        {
            throw new GridGovConfigurationException(
                "GridGov:Auth:ClusterSecret (GridGov__Auth__ClusterSecret) is required in Cluster mode: the same base64 secret of at least 32 bytes in every silo and API process.");
        }

        string? bootstrap = section["BootstrapApiKey"];
        string? bootstrapFile = null;
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            bootstrap = null;
            if (embedded)
            {
                bootstrapFile = Path.Combine(folder, BootstrapKeyFile);
                bootstrap = ReadOrCreate(bootstrapFile, () => "gg_bootstrap_" + Base64Url(RandomNumberGenerator.GetBytes(32)));
            }
        }
        else if (bootstrap.Trim().Length < 24)
        {
            throw new GridGovConfigurationException("GridGov:Auth:BootstrapApiKey must be at least 24 characters.");
        }

        return new AuthSettings
        {
            ClusterSecret = secret,
            BootstrapApiKey = bootstrap?.Trim(),
            BootstrapApiKeyFile = bootstrapFile,
            RateLimits = LoadRateLimits(section.GetSection("RateLimits")),
        };
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static IReadOnlyDictionary<string, RateLimit> LoadRateLimits(IConfigurationSection section)
    {
        var limits = new Dictionary<string, RateLimit>(DefaultRateLimits);
        foreach (var role in section.GetChildren())
        {
            if (!Roles.IsKnown(role.Key) && role.Key != Anonymous)
            {
                throw new GridGovConfigurationException(
                    $"GridGov:Auth:RateLimits:{role.Key} names no role; the roles are {string.Join(", ", Roles.All)} (and {Anonymous}).");
            }

            var current = limits[role.Key];
            limits[role.Key] = new RateLimit(
                Positive(role, "PermitsPerSecond", current.PermitsPerSecond),
                Positive(role, "Burst", current.Burst));
        }

        return limits;
    }

    private static int Positive(IConfigurationSection section, string key, int fallback)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new GridGovConfigurationException($"GridGov:Auth:RateLimits:{section.Key}:{key} must be a positive whole number, not '{value}'.");
    }

    private static byte[] ParseSecret(string text, string source)
    {
        try
        {
            var bytes = Convert.FromBase64String(text.Trim());
            if (bytes.Length >= 32)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
        }

        throw new GridGovConfigurationException($"{source} must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`).");
    }

    /// <summary>Reads a one-line secret file, or creates it (owner read/write only) with a new value.</summary>
    private static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var value = create();
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(new FileStream(path, options));
            writer.WriteLine(value);
            return value;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return File.ReadAllText(path).Trim();
        }
    }
}
