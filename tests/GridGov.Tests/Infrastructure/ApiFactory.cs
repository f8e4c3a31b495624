using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridGov.Tests.Infrastructure;

/// <summary>
/// The API in Embedded mode (co-hosted silo, SQLite in a temp data folder, free ports), as <c>dotnet run</c> starts it.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public ApiFactory()
        : this(Fresh.TempFolder(), null)
    {
    }

    internal ApiFactory(string dataFolder, IDictionary<string, string?>? settings)
    {
        DataFolder = dataFolder;
        Settings = new Dictionary<string, string?>
        {
            ["GridGov:DataFolder"] = dataFolder,
            ["GridGov:SiloPort"] = Fresh.Port().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GridGov:GatewayPort"] = Fresh.Port().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // Tests send many requests per key; the rate limit has its own test with its own factory.
        foreach (var role in Contracts.Security.Roles.All.Append("anonymous"))
        {
            Settings[$"GridGov:Auth:RateLimits:{role}:PermitsPerSecond"] = "100000";
            Settings[$"GridGov:Auth:RateLimits:{role}:Burst"] = "100000";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            Settings[key] = value;
        }
    }

    public string DataFolder { get; }

    /// <summary>The operator key Embedded mode generated into the data folder at first start.</summary>
    public string BootstrapKey
    {
        get
        {
            _ = Server; // the host, and with it the key file, exists once the server has started
            return File.ReadAllText(Path.Combine(DataFolder, "bootstrap-api-key")).Trim();
        }
    }

    /// <summary>
    /// A client that sends the given API key, and a purpose for personal-data reads as a well-behaved client does (apps
    /// must: docs/security.md, "Personal-data reads"; the tests of that rule take the header away).
    /// </summary>
    public HttpClient CreateClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.Add("X-Purpose", "test");
        return client;
    }

    public HttpClient CreateOperatorClient() => CreateClient(BootstrapKey);

    /// <summary>
    /// This API behind Kestrel on a free loopback port, with a client that sends the operator key: what the in-memory
    /// server does not do (normalizing paths, Kestrel's own headers and meters) shows only there. The key is read from
    /// the file the socket's host wrote (<see cref="BootstrapKey"/> would start this factory's own host beside it).
    /// </summary>
    public async Task<ApiOnSocket> StartOnSocketAsync()
    {
        var host = WithWebHostBuilder(_ => { });
        // A listener of its own on port 0: UseKestrel(0) alone leaves Kestrel on its default http://localhost:5000.
        host.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("X-Api-Key", (await File.ReadAllTextAsync(Path.Combine(DataFolder, "bootstrap-api-key"))).Trim());
        return new ApiOnSocket(host, client);
    }

    /// <summary>Issues a key with the operator key and answers the key itself.</summary>
    public async Task<string> CreateKeyAsync(string role, string scope, DateTimeOffset? expiresAt = null, string? staffId = null, string? appKind = null)
    {
        using var client = CreateOperatorClient();
        var response = await client.PostAsJsonAsync("/api/v1/api-keys", new { name = $"{role} of {scope}", role, scope, expiresAt, staffId, appKind });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"Creating a {role} key failed: {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>Services a test puts in place of the host's own (e.g. a resolver it controls), applied after the host's.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? TestServices { get; init; }

    /// <summary>Every log line the host writes, formatted, with its exception (for tests that look for leaks).</summary>
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is { } services)
        {
            Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(builder, services);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}

/// <summary>The API's host on a real socket and its operator client (<see cref="ApiFactory.StartOnSocketAsync"/>).</summary>
public sealed class ApiOnSocket(WebApplicationFactory<Program> host, HttpClient client) : IAsyncDisposable
{
    public HttpClient Operator { get; } = client;

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        await host.DisposeAsync();
    }
}
