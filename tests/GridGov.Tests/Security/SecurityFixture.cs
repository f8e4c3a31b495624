using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>
/// Two districts, each with a grid and a Party-building grid, and a key of every role scoped to district A
/// (the operator's scope is every district).
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();

    public string A { get; } = Fresh.District();

    public string B { get; } = Fresh.District();

    public Dictionary<string, string> Keys { get; } = [];

    public string GridOf(string district) => $"{district}001001001";

    public async Task InitializeAsync()
    {
        using var op = Api.CreateOperatorClient();
        foreach (var d in new[] { A, B })
        {
            var (x, y) = Fresh.Origin(d);
            var body = Geo.Collection(
                Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
                Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
                Geo.Feature($"{d}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
                Geo.Feature(GridOf(d), "Grid", Geo.Box(x, y, x + 0.1, y + 0.1)));
            await (await op.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
            await (await op.PutJsonAsync($"/api/v1/party-grids/{d}-PG1", $$"""{"name":"PG","gridCodes":["{{GridOf(d)}}"]}""")).AssertOkAsync();
        }

        foreach (var role in Roles.All)
        {
            Keys[role] = await Api.CreateKeyAsync(role, role == Roles.Operator ? Scopes.All : A);
        }
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    public HttpClient Client(string role) => Api.CreateClient(Keys[role]);

    /// <summary>Issues a throwaway key in a district (for tests that revoke or read keys).</summary>
    public Task<string> KeyIdInAsync(string district) =>
        Api.CreateKeyAsync(Roles.Viewer, district).ContinueWith(t => t.Result.Split('_')[1], TaskScheduler.Default);
}
