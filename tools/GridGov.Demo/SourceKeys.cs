using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GridGov.Demo;

/// <summary>
/// Honest sources: a case is reported by a key that may report its source (an app key of the source's kind; staff
/// sources with the operator's key). The demo issues one app key per kind in the district and keeps them in a file,
/// beside the operator's key file when there is one (the server's data folder), else in the temporary folder per
/// server address, so a second run reports with the same keys and its Idempotency-Keys replay instead of duplicating.
/// </summary>
internal static class SourceKeys
{
    /// <summary>The app kinds and the one source each reports (the same names).</summary>
    public static readonly string[] Kinds = ["residentApp", "hotline12345", "camera", "police"];

    private sealed record CreatedKey(string Key);

    private sealed record Caller(string Role, string Scope, string? AppKind);

    public static string FileFor(Options options) =>
        options.Key is null && File.Exists(options.KeyFile)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.KeyFile))!, "demo-source-keys.json")
            : Path.Combine(Path.GetTempPath(), "gridgov-demo", $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Url.ToString())))[..16]}-source-keys.json");

    /// <summary>A client per app kind: the kept key while it still works, else a new one (kept for the next run).</summary>
    public static async Task<IReadOnlyDictionary<string, ApiClient>> EnsureAsync(
        ApiClient operatorApi, Options options, string district, CancellationToken cancellationToken)
    {
        var file = FileFor(options);
        var kept = File.Exists(file)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(file, cancellationToken)) ?? []
            : [];
        var clients = new Dictionary<string, ApiClient>(StringComparer.Ordinal);
        var changed = false;
        foreach (var kind in Kinds)
        {
            var client = kept.TryGetValue(kind, out var key) ? Client(options, key) : null;
            if (client is not null && !await WorksAsync(client, kind, district, cancellationToken))
            {
                client.Dispose();
                client = null;
            }

            if (client is null)
            {
                var created = await operatorApi.PostAsync(
                    "/api/v1/api-keys", new { name = $"demo {kind} system", role = "app", scope = district, appKind = kind }, cancellationToken);
                if (!created.Ok)
                {
                    throw new InvalidOperationException($"Issuing the demo's {kind} key failed: {created.Status} {created.Body}");
                }

                kept[kind] = created.Read<CreatedKey>().Key;
                client = Client(options, kept[kind]);
                changed = true;
            }

            clients[kind] = client;
        }

        if (changed)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(kept), cancellationToken);
        }

        return clients;
    }

    private static ApiClient Client(Options options, string key) => new(options.Url, key, options.Concurrency, options.Rate);

    private static async Task<bool> WorksAsync(ApiClient client, string kind, string district, CancellationToken cancellationToken)
    {
        var answer = await client.GetAsync("/api/v1/caller", cancellationToken);
        return answer.Ok && answer.Read<Caller>() is { Role: "app" } caller && caller.Scope == district && caller.AppKind == kind;
    }
}
