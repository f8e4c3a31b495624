using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            Settings[key] = value;
        }
    }

    public string DataFolder { get; }

    public Dictionary<string, string?> Settings { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
