using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Open311;

/// <summary>
/// Two districts on one server (so jurisdiction_id is required of keyless calls): district D with a street, a
/// community and two grids, and a category with extra questions; district O with one grid. Keys: apps of both, a
/// revoked app key of D, D's command centre and a grid worker.
/// </summary>
public sealed class Open311Fixture : IAsyncLifetime
{
    public const string Base = "/open311/v2";

    public ApiFactory Api { get; } = new();

    public string D { get; } = Fresh.District();

    public string O { get; } = Fresh.District();

    public string Grid1 => $"{D}001001001";

    /// <summary>D's category with questions: size (single list, required), hazards (multi list), depth (number).</summary>
    public string Pothole { get; } = $"o311.pothole-{Guid.NewGuid():N}"[..30];

    public HttpClient Anonymous { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient CommandCentre { get; private set; } = null!;

    public HttpClient Worker { get; private set; } = null!;

    public string AppKey { get; private set; } = "";

    public string OtherAppKey { get; private set; } = "";

    public string RevokedAppKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        Anonymous = Api.CreateClient();
        var (x, y) = Fresh.Origin(D);
        await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(D, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{D}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{D}001001", "Community", Geo.Box(x, y, x + 0.3, y + 0.2)),
            Geo.Feature(Grid1, "Grid 1", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature($"{D}001001002", "Grid 2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1))))).AssertOkAsync();
        var (ox, oy) = Fresh.Origin(O);
        await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(O, "Other district", Geo.Box(ox, oy, ox + 0.4, oy + 0.4)),
            Geo.Feature($"{O}001001001", "Other grid", Geo.Box(ox, oy, ox + 0.1, oy + 0.1))))).AssertOkAsync();
        await Operator.AddStaffAsync(D, ("w-311", "gridWorker"));

        await (await Operator.PutJsonAsync($"/api/v1/districts/{D}/categories/{Pothole}", """
            {"name":"坑洼 Pothole","class":"component","timeLimitHours":24,"responseLimitHours":2,"department":"Roads office",
             "attributes":[
               {"code":"size","datatype":"singleValueList","required":true,"description":"How big is it?","order":1,
                "values":[{"key":"small","name":"Smaller than a plate"},{"key":"large","name":"Larger than a plate"}]},
               {"code":"hazards","datatype":"multiValueList","required":false,"description":"What else is wrong?","order":2,
                "values":[{"key":"water","name":"Standing water"},{"key":"traffic","name":"In a traffic lane"}]},
               {"code":"depth","datatype":"number","required":false,"description":"Depth in cm","order":3,"datatypeDescription":"centimetres"}]}
            """)).AssertOkAsync();

        CommandCentre = Api.CreateClient(await Api.CreateKeyAsync(Roles.CommandCentre, D));
        Worker = Api.CreateClient(await Api.CreateKeyAsync(Roles.GridWorker, D, staffId: "w-311"));
        AppKey = await Api.CreateKeyAsync(Roles.App, D);
        OtherAppKey = await Api.CreateKeyAsync(Roles.App, O);
        RevokedAppKey = await Api.CreateKeyAsync(Roles.App, D);
        var id = RevokedAppKey[3..19];
        Assert.Equal(HttpStatusCode.NoContent, (await Operator.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode);
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>A point inside grid 1 of D.</summary>
    public (string Lat, string Long) InGrid1 => Point(D, 0.05, 0.05);

    public static (string Lat, string Long) Point(string district, double dx, double dy)
    {
        var (x, y) = Fresh.Origin(district);
        return (FormattableString.Invariant($"{y + dy}"), FormattableString.Invariant($"{x + dx}"));
    }

    /// <summary>A valid report of D's pothole category as form fields, with <paramref name="extra"/> added or replacing.</summary>
    public List<KeyValuePair<string, string>> Form(string? apiKey = null, params (string Key, string Value)[] extra)
    {
        var (lat, lon) = InGrid1;
        var fields = new Dictionary<string, string>
        {
            ["api_key"] = apiKey ?? AppKey,
            ["jurisdiction_id"] = D,
            ["service_code"] = Pothole,
            ["lat"] = lat,
            ["long"] = lon,
            ["attribute[size]"] = "large",
            ["description"] = "A deep pothole by the school gate",
            ["first_name"] = "晓明",
            ["last_name"] = "王",
            ["phone"] = "13912345678",
            ["email"] = "wang@example.cn",
        };
        foreach (var (key, value) in extra)
        {
            if (value.Length == 0)
            {
                fields.Remove(key);
            }
            else
            {
                fields[key] = value;
            }
        }

        return fields.ToList();
    }

    public Task<HttpResponseMessage> PostAsync(string format, IEnumerable<KeyValuePair<string, string>> fields) =>
        Anonymous.PostAsync($"{Base}/requests.{format}", new FormUrlEncodedContent(fields));

    /// <summary>Posts a valid report and answers the new request's id.</summary>
    public async Task<string> SubmitAsync(params (string Key, string Value)[] extra)
    {
        var response = await PostAsync("json", Form(null, extra));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!;
    }

    public async Task<JsonElement> JsonAsync(string path, HttpStatusCode status = HttpStatusCode.OK, HttpClient? client = null)
    {
        var response = await (client ?? Anonymous).GetAsync(Base + path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"GET {path}: {(int)response.StatusCode} {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task<XElement> XmlAsync(string path, HttpStatusCode status = HttpStatusCode.OK, HttpClient? client = null)
    {
        var response = await (client ?? Anonymous).GetAsync(Base + path);
        return await ParseXmlAsync(response, status);
    }

    public static async Task<XElement> ParseXmlAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        Assert.StartsWith("text/xml", response.Content.Headers.ContentType?.ToString());
        return XDocument.Parse(body).Root!;
    }

    /// <summary>Asserts the spec's error body in JSON: one error or more, each with the status as code, one naming the field.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var errors = JsonDocument.Parse(body).RootElement;
        Assert.Equal(JsonValueKind.Array, errors.ValueKind);
        Assert.All(errors.EnumerateArray(), e => Assert.Equal(["code", "description"], e.EnumerateObject().Select(p => p.Name).ToArray()));
        Assert.All(errors.EnumerateArray(), e => Assert.Equal((int)status, e.GetProperty("code").GetInt32()));
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("description").GetString()!.Contains(field, StringComparison.Ordinal));
    }

    /// <summary>As <see cref="AssertErrorAsync"/>, in XML: <c>&lt;errors&gt;&lt;error&gt;&lt;code/&gt;&lt;description/&gt;</c>.</summary>
    public static async Task AssertXmlErrorAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var errors = await ParseXmlAsync(response, status);
        Assert.Equal("errors", errors.Name.LocalName);
        Assert.All(errors.Elements(), e => Assert.Equal("error", e.Name.LocalName));
        Assert.All(errors.Elements(), e => Assert.Equal(["code", "description"], e.Elements().Select(c => c.Name.LocalName).ToArray()));
        Assert.Contains(errors.Elements(), e => e.Element("code")!.Value == ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)
            && e.Element("description")!.Value.Contains(field, StringComparison.Ordinal));
    }
}

[CollectionDefinition(Name)]
public sealed class Open311Collection : ICollectionFixture<Open311Fixture>
{
    public const string Name = "open311";
}
