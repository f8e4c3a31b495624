using System.Security.Cryptography;

namespace GridGov.Tests.Infrastructure;

/// <summary>The settings of API processes that co-host the silos of one fresh cluster on a test database.</summary>
public static class ClusterSettings
{
    public const string BootstrapKey = "GridGov:Auth:BootstrapApiKey";

    /// <summary>
    /// Adds Cluster mode on <paramref name="connectionString"/> with a new cluster (named after <paramref name="prefix"/>),
    /// migrating on start, and a new cluster secret and bootstrap key (<see cref="BootstrapKey"/>) that every process
    /// given these settings shares.
    /// </summary>
    public static Dictionary<string, string?> InCluster(this Dictionary<string, string?> settings, string connectionString, string prefix)
    {
        var cluster = prefix + "-" + Guid.NewGuid().ToString("N");
        settings["GridGov:Mode"] = "Cluster";
        settings["GridGov:ConnectionString"] = connectionString;
        settings["GridGov:ClusterId"] = cluster;
        settings["GridGov:ServiceId"] = cluster;
        settings["GridGov:AdvertisedAddress"] = "127.0.0.1";
        settings["GridGov:MigrateOnStart"] = "true";
        settings["GridGov:Auth:ClusterSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        settings[BootstrapKey] = "bootstrap-" + Guid.NewGuid().ToString("N");
        return settings;
    }
}
