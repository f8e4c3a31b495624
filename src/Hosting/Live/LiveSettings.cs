using System.Globalization;
using GridGov.Hosting;
using Microsoft.Extensions.Configuration;

namespace GridGov.Hosting.Live;

/// <summary>
/// The <c>GridGov:Live</c> section: how the case-event log is read for live feeds and how long it is kept. Read and
/// checked once at start, like <see cref="GridGovSettings"/>; a wrong value names its key.
/// </summary>
public sealed record LiveSettings
{
    public const string Section = "GridGov:Live";

    /// <summary>The shortest retention accepted: a feed must be resumable for at least an hour.</summary>
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromHours(1);

    /// <summary>How long the case-event log keeps an event (and so how far back a feed can resume).</summary>
    public TimeSpan EventRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a missing position is taken for a transaction still in flight before readers skip it.</summary>
    public TimeSpan GapGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the log is read while anyone listens.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often an idle event stream sends a comment (and checks that its key is still valid).</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The reconnection delay an event stream suggests to its client (<c>retry:</c>).</summary>
    public TimeSpan ReconnectHint { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How many events may wait for one slow client before it is disconnected (it resumes with Last-Event-ID).</summary>
    public int ClientBuffer { get; init; } = 1000;

    public static LiveSettings Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var defaults = new LiveSettings();
        var retention = Settings.Duration(section, Section, "EventRetention", defaults.EventRetention);
        if (retention < MinimumRetention)
        {
            throw new GridGovConfigurationException(
                $"{Section}:EventRetention must be at least 01:00:00 (feeds resume for at least an hour), not '{section["EventRetention"]}'.");
        }

        return new LiveSettings
        {
            EventRetention = retention,
            GapGrace = Settings.Duration(section, Section, "GapGrace", defaults.GapGrace),
            PollInterval = Settings.Duration(section, Section, "PollInterval", defaults.PollInterval),
            KeepAlive = Settings.Duration(section, Section, "KeepAlive", defaults.KeepAlive),
            ReconnectHint = Settings.Duration(section, Section, "ReconnectHint", defaults.ReconnectHint),
            ClientBuffer = Settings.Count(section, Section, "ClientBuffer", defaults.ClientBuffer),
        };
    }
}

/// <summary>
/// The <c>GridGov:Webhooks</c> section: which URLs are accepted and how deliveries are timed, retried and limited.
/// </summary>
public sealed record WebhookSettings
{
    public const string Section = "GridGov:Webhooks";

    /// <summary>Accept http:// and loopback or private addresses (for tests and local development only).</summary>
    public bool AllowInsecureUrls { get; init; }

    /// <summary>How long one delivery attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed attempt; it doubles after each further one.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts, however many have failed.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Attempts before a delivery goes to the dead letters.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Deliveries in flight at once in one host, for all webhooks together.</summary>
    public int MaxInFlight { get; init; } = 32;

    /// <summary>Deliveries in flight at once in one host for any one webhook, so a slow endpoint cannot take every slot.</summary>
    public int MaxInFlightPerWebhook { get; init; } = 4;

    /// <summary>How often the router reads the log and the deliverers look for due deliveries.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long dead letters are kept for reading and replay.</summary>
    public TimeSpan DeadLetterRetention { get; init; } = TimeSpan.FromDays(7);

    public static WebhookSettings Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var defaults = new WebhookSettings();
        var settings = new WebhookSettings
        {
            AllowInsecureUrls = Settings.Flag(section, Section, "AllowInsecureUrls", defaults.AllowInsecureUrls),
            Timeout = Settings.Duration(section, Section, "Timeout", defaults.Timeout),
            BackoffBase = Settings.Duration(section, Section, "BackoffBase", defaults.BackoffBase),
            BackoffMax = Settings.Duration(section, Section, "BackoffMax", defaults.BackoffMax),
            MaxAttempts = Settings.Count(section, Section, "MaxAttempts", defaults.MaxAttempts),
            MaxInFlight = Settings.Count(section, Section, "MaxInFlight", defaults.MaxInFlight),
            MaxInFlightPerWebhook = Settings.Count(section, Section, "MaxInFlightPerWebhook", defaults.MaxInFlightPerWebhook),
            PollInterval = Settings.Duration(section, Section, "PollInterval", defaults.PollInterval),
            DeadLetterRetention = Settings.Duration(section, Section, "DeadLetterRetention", defaults.DeadLetterRetention),
        };
        if (settings.MaxInFlightPerWebhook > settings.MaxInFlight)
        {
            throw new GridGovConfigurationException(
                $"{Section}:MaxInFlightPerWebhook ({settings.MaxInFlightPerWebhook}) must not exceed {Section}:MaxInFlight ({settings.MaxInFlight}).");
        }

        return settings;
    }

    /// <summary>The wait before attempt <paramref name="failed"/> + 1: base × 2^(failed − 1), at most <see cref="BackoffMax"/>.</summary>
    public TimeSpan Backoff(int failed)
    {
        var factor = Math.Pow(2, Math.Clamp(failed - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(BackoffMax.Ticks, BackoffBase.Ticks * factor));
    }
}

/// <summary>Parsing shared by the live settings: a blank value is the default; every failure names the key and the value.</summary>
internal static class Settings
{
    public static TimeSpan Duration(IConfigurationSection section, string prefix, string key, TimeSpan fallback) =>
        Parse(section, prefix, key, fallback, "a positive duration such as 00:00:10 (hh:mm:ss)",
            value => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero ? parsed : null);

    public static int Count(IConfigurationSection section, string prefix, string key, int fallback) =>
        Parse(section, prefix, key, fallback, "a whole number from 1 to 1000000",
            value => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 1_000_000 ? n : null);

    public static bool Flag(IConfigurationSection section, string prefix, string key, bool fallback) =>
        Parse(section, prefix, key, fallback, "true or false", value => bool.TryParse(value, out var parsed) ? parsed : null);

    private static T Parse<T>(IConfigurationSection section, string prefix, string key, T fallback, string expected, Func<string, T?> parse)
        where T : struct
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return parse(value) ?? throw new GridGovConfigurationException($"{prefix}:{key} must be {expected}, not '{value}'.");
    }
}
