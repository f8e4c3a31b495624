using System.Net;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Cameras;

/// <summary>A district with a grid, a micro-grid in it and a second grid; keys of a camera system, a residents' app and staff.</summary>
public sealed class CameraFixture : IAsyncLifetime
{
    private int _serial;

    public ApiFactory Api { get; } = new();

    public string District { get; } = Fresh.District();

    public string Grid1 => $"{District}001001001";

    public string Micro => $"{Grid1}01";

    public string Grid2 => $"{District}001001002";

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Camera { get; private set; } = null!;

    public HttpClient ResidentApp { get; private set; } = null!;

    public HttpClient CommandCentre { get; private set; } = null!;

    /// <summary>Two days ago: detections are told in the past, at offsets from here, so windows need no waiting.</summary>
    public DateTimeOffset T0 { get; } = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-2);

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        var (x, y) = Fresh.Origin(District);
        await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(District, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{District}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{District}001001", "Community", Geo.Box(x, y, x + 0.3, y + 0.2)),
            Geo.Feature(Grid1, "Grid 1", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature(Micro, "Building 1", Geo.Box(x, y, x + 0.03, y + 0.03)),
            Geo.Feature(Grid2, "Grid 2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1))))).AssertOkAsync();
        Camera = Api.CreateClient(await Api.CreateKeyAsync(Roles.App, District, appKind: AppKinds.Camera));
        ResidentApp = Api.CreateClient(await Api.CreateKeyAsync(Roles.App, District));
        CommandCentre = Api.CreateClient(await Api.CreateKeyAsync(Roles.CommandCentre, District));
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>A fresh camera code of the district: a network camera (type 132), serial numbered.</summary>
    public string NewCode() => $"{District}0000132{Interlocked.Increment(ref _serial):D7}";

    public static string CameraBody(double lat, double lon, string labels = """[{"label":"illegal-parking","category":"event.street-order","threshold":0.8},{"label":"garbage","category":"event.environment","threshold":0.6,"windowMinutes":60}]""") =>
        FormattableString.Invariant($$"""{"name":"Gate camera","lat":{{lat}},"lon":{{lon}},"address":"North gate","labels":{{labels}}}""");

    /// <summary>Registers a camera in the micro-grid (or, with <paramref name="inGrid2"/>, in grid 2, which has none).</summary>
    public async Task<string> CameraAsync(bool inGrid2 = false)
    {
        var code = NewCode();
        var (x, y) = Fresh.Origin(District);
        var body = inGrid2 ? CameraBody(y + 0.05, x + 0.15) : CameraBody(y + 0.01, x + 0.01);
        await (await Operator.PutJsonAsync($"/api/v1/cameras/{code}", body)).AssertOkAsync(HttpStatusCode.Created);
        return code;
    }

    public static string Detection(string label, double confidence, DateTimeOffset at) => FormattableString.Invariant(
        $$"""{"label":"{{label}}","confidence":{{confidence}},"snapshotUrl":"https://cam.example.org/snap/{{at.ToUnixTimeSeconds()}}.jpg","time":"{{at:O}}"}""");

    public async Task<JsonElement> DetectAsync(string code, string label, double confidence, DateTimeOffset at) =>
        await (await Camera.PostJsonAsync($"/api/v1/cameras/{code}/detections", Detection(label, confidence, at))).AssertOkAsync();
}
