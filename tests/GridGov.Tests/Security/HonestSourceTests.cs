using System.Net;
using System.Net.Http.Json;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>Honest sources: a key reports only the sources its role (and an app key's kind) allows; anything else is a 403 naming source.</summary>
[Collection(ApiCollection.Name)]
public sealed class HonestSourceTests(ApiFactory factory)
{
    private static string Report(string district, string source, string extra = "")
    {
        var (x, y) = Fresh.Origin(district);
        return FormattableString.Invariant($$"""{"category":"event.other","description":"Bench broken","source":"{{source}}","lat":{{y + 0.05}},"lon":{{x + 0.05}}{{extra}}}""");
    }

    private const string Detection = ""","detection":{"confidence":0.9,"snapshotUrl":"https://cam.example.org/1.jpg"}""";

    private async Task<string> DistrictAsync()
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        using var op = factory.CreateOperatorClient();
        await (await op.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{d}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature($"{d}001001001", "Grid", Geo.Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();
        return d;
    }

    [Theory]
    [InlineData(null, "residentApp")]
    [InlineData("residentApp", "residentApp")]
    [InlineData("hotline12345", "hotline12345")]
    [InlineData("camera", "camera")]
    [InlineData("police", "police")]
    public async Task An_app_key_reports_its_kinds_source_and_no_other(string? kind, string source)
    {
        var d = await DistrictAsync();
        using var app = factory.CreateClient(await factory.CreateKeyAsync(Roles.App, d, appKind: kind));
        var caller = await (await app.GetAsync("/api/v1/caller")).AssertOkAsync();
        Assert.Equal(source, caller.GetProperty("appKind").GetString());

        var created = await (await app.PostJsonAsync("/api/v1/cases", Report(d, source, source == "camera" ? Detection : ""))).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(source, created.GetProperty("source").GetString());
        foreach (var other in new[] { "residentApp", "hotline12345", "camera", "police", "gridPatrol", "higherLevel" }.Where(s => s != source))
        {
            var refused = await (await app.PostJsonAsync("/api/v1/cases", Report(d, other, other == "camera" ? Detection : ""))).AssertProblemAsync(HttpStatusCode.Forbidden, "source");
            Assert.Contains(source, refused.GetProperty("errors").GetProperty("source")[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Staff_report_patrol_and_higher_level_only()
    {
        var d = await DistrictAsync();
        using var centre = factory.CreateClient(await factory.CreateKeyAsync(Roles.CommandCentre, d));
        await (await centre.PostJsonAsync("/api/v1/cases", Report(d, "gridPatrol"))).AssertOkAsync(HttpStatusCode.Created);
        await (await centre.PostJsonAsync("/api/v1/cases", Report(d, "higherLevel"))).AssertOkAsync(HttpStatusCode.Created);
        await (await centre.PostJsonAsync("/api/v1/cases", Report(d, "hotline12345"))).AssertProblemAsync(HttpStatusCode.Forbidden, "source");
        using var op = factory.CreateOperatorClient();
        await (await op.PostJsonAsync("/api/v1/cases", Report(d, "residentApp"))).AssertProblemAsync(HttpStatusCode.Forbidden, "source");
    }

    [Fact]
    public async Task A_key_kind_is_set_at_creation_shown_in_its_view_and_only_for_apps()
    {
        var d = await DistrictAsync();
        using var op = factory.CreateOperatorClient();
        var created = await (await op.PostAsJsonAsync("/api/v1/api-keys", new { name = "Hotline", role = Roles.App, scope = d, appKind = "hotline12345" })).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal("hotline12345", created.GetProperty("appKind").GetString());
        var view = await (await op.GetAsync($"/api/v1/api-keys/{created.GetProperty("id").GetString()}")).AssertOkAsync();
        Assert.Equal("hotline12345", view.GetProperty("appKind").GetString());

        var plain = await (await op.PostAsJsonAsync("/api/v1/api-keys", new { name = "Resident app", role = Roles.App, scope = d })).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal("residentApp", plain.GetProperty("appKind").GetString());

        await (await op.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = Roles.CommandCentre, scope = d, appKind = "camera" })).AssertProblemAsync(HttpStatusCode.BadRequest, "appKind");
        await (await op.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = Roles.App, scope = d, appKind = "pigeon" })).AssertProblemAsync(HttpStatusCode.BadRequest, "appKind");
    }
}

/// <summary>The cluster enforces honest sources itself: case reception refuses a source the call's caller may not report.</summary>
[Collection(GridClusterCollection.Name)]
public sealed class HonestSourceGrainTests(GridClusterFixture fixture)
{
    [Fact]
    public async Task Reception_refuses_a_source_the_callers_key_may_not_report()
    {
        var d = Fresh.District();
        var grid = $"{d}001001001";
        TestCallers.Enter(new CallerContext("hotline-key", Roles.App, d, null, AppKinds.Hotline));
        var reception = fixture.Grains.GetGrain<ICaseReceptionGrain>(d);
        NewCase Report(CaseSource source) => new("event.other", "Bench", source, grid, null, null, "Block 3", null, null, [], CasePriority.Normal, null, "hotline-key");

        var refused = await Assert.ThrowsAsync<DomainException>(() => reception.ReportAsync(CaseIds.New(d, DateTimeOffset.UtcNow), Report(CaseSource.ResidentApp)));
        Assert.Equal((DomainErrorKind.Forbidden, "source"), (refused.Kind, refused.Field));
        Assert.Equal(CaseSource.Hotline12345, (await reception.ReportAsync(CaseIds.New(d, DateTimeOffset.UtcNow), Report(CaseSource.Hotline12345))).Source);
    }
}
