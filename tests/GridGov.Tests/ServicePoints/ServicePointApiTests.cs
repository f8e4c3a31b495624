using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.ServicePoints;

/// <summary>Service points over HTTP: the record and its rules, near (order, radius edge, kind), coverage, the layer, tenancy.</summary>
public sealed class ServicePointApiTests(ServicePointsFixture f) : IClassFixture<ServicePointsFixture>
{
    private static string Q(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_point_is_put_read_and_deleted_with_its_version_as_ETag()
    {
        var d = await f.DistrictAsync();
        var (x, y) = Fresh.Origin(d);
        var id = $"{d}-SP1";
        const string hours = """[{"day":"saturday","opens":"09:00","closes":"12:00"},{"day":"monday","opens":"14:00","closes":"24:00"},{"day":"monday","opens":"08:30","closes":"12:00"}]""";

        var created = await f.PutPointAsync(id, "partyMassesServiceCentre", (y + 0.005, x + 0.005), "党群服务中心", hours);
        var body = await created.AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);
        Assert.Equal($"{d}001001001", body.GetProperty("gridCode").GetString());
        Assert.Equal("partyMassesServiceCentre", body.GetProperty("kind").GetString());
        // Monday first, then by time.
        Assert.Equal(["monday 08:30", "monday 14:00", "saturday 09:00"], body.GetProperty("hours").EnumerateArray()
            .Select(h => $"{h.GetProperty("day").GetString()} {h.GetProperty("opens").GetString()}").ToArray());
        Assert.Equal("24:00", body.GetProperty("hours")[1].GetProperty("closes").GetString());

        // The same PUT again changes nothing, not even the version.
        var again = await f.PutPointAsync(id, "partyMassesServiceCentre", (y + 0.005, x + 0.005), "党群服务中心", hours);
        await again.AssertOkAsync();
        Assert.Equal("\"1\"", again.Headers.ETag!.Tag);

        var moved = await f.Operator.PutJsonAsync($"/api/v1/service-points/{id}", Body("clinic", y + 0.032, x + 0.005), r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"")));
        var movedBody = await moved.AssertOkAsync();
        Assert.Equal(($"{d}001001002", $"{d}00100100201"), (movedBody.GetProperty("gridCode").GetString(), movedBody.GetProperty("microGridCode").GetString()));
        Assert.Equal("\"2\"", moved.Headers.ETag!.Tag);
        await (await f.Operator.PutJsonAsync($"/api/v1/service-points/{id}", Body("school", y, x), r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""))))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);

        var read = await f.Operator.GetAsync($"/api/v1/service-points/{id}");
        Assert.Equal("clinic", (await read.AssertOkAsync()).GetProperty("kind").GetString());
        Assert.Equal("\"2\"", read.Headers.ETag!.Tag);
        var listed = await (await f.Operator.GetAsync($"/api/v1/districts/{d}/service-points?kind=clinic")).AssertOkAsync();
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());

        using var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/service-points/{id}");
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        await (await f.Operator.SendAsync(stale)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, (await f.Operator.DeleteAsync($"/api/v1/service-points/{id}")).StatusCode);
        await (await f.Operator.GetAsync($"/api/v1/service-points/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Operator.DeleteAsync($"/api/v1/service-points/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var near = await (await f.Operator.GetAsync($"/api/v1/service-points/near?lat={Q(y + 0.032)}&lon={Q(x + 0.005)}&district={d}")).AssertOkAsync();
        Assert.Equal(0, near.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"name":"A","lat":10,"lon":10}""", "kind")]
    [InlineData("""{"kind":"bank","name":"A","lat":10,"lon":10}""", "kind")]
    [InlineData("""{"kind":"clinic","name":"","lat":10,"lon":10}""", "name")]
    [InlineData("""{"kind":"clinic","name":"A","lat":91,"lon":10}""", "lat")]
    [InlineData("""{"kind":"clinic","name":"A","lat":10,"lon":10,"hours":[{"day":"monday","opens":"25:00","closes":"26:00"}]}""", "hours[0].opens")]
    [InlineData("""{"kind":"clinic","name":"A","lat":10,"lon":10,"hours":[{"day":"monday","opens":"12:00","closes":"08:00"}]}""", "hours[0].closes")]
    [InlineData("""{"kind":"clinic","name":"A","lat":10,"lon":10,"hours":[{"day":"monday","opens":"08:00","closes":"12:00"},{"day":"monday","opens":"11:00","closes":"13:00"}]}""", "hours[1]")]
    public async Task Bad_input_is_a_400_naming_the_field(string json, string field)
    {
        var d = Fresh.District();
        await (await f.Operator.PutJsonAsync($"/api/v1/service-points/{d}-SP1", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Ids_points_outside_the_district_and_query_parameters_are_checked()
    {
        var d = await f.DistrictAsync();
        var (x, y) = Fresh.Origin(d);
        await (await f.Operator.PutJsonAsync($"/api/v1/service-points/{d}-XX1", Body("clinic", y, x))).AssertProblemAsync(HttpStatusCode.BadRequest, "id");
        await (await f.Operator.PutJsonAsync($"/api/v1/service-points/{d}-SP1", Body("clinic", y - 1, x))).AssertProblemAsync(HttpStatusCode.BadRequest, "lat");
        await (await f.Operator.GetAsync($"/api/v1/service-points/{d}-SP1")).AssertProblemAsync(HttpStatusCode.NotFound);

        var at = $"lat={Q(y + 0.1)}&lon={Q(x + 0.1)}";
        await (await f.Operator.GetAsync($"/api/v1/service-points/near?{at}")).AssertProblemAsync(HttpStatusCode.BadRequest, "district");
        await (await f.Operator.GetAsync($"/api/v1/service-points/near?lon={Q(x)}&district={d}")).AssertProblemAsync(HttpStatusCode.BadRequest, "lat");
        await (await f.Operator.GetAsync($"/api/v1/service-points/near?{at}&district={d}&minutes=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "minutes");
        await (await f.Operator.GetAsync($"/api/v1/service-points/near?{at}&district={d}&kind=bank")).AssertProblemAsync(HttpStatusCode.BadRequest, "kind");
        await (await f.Operator.GetAsync($"/api/v1/territory/{d}001001/service-coverage?kinds=clinic,bank")).AssertProblemAsync(HttpStatusCode.BadRequest, "kinds");
        await (await f.Operator.GetAsync($"/api/v1/territory/{d}001/service-coverage")).AssertProblemAsync(HttpStatusCode.BadRequest, "community");
        await (await f.Operator.GetAsync($"/api/v1/territory/{d}009009/service-coverage")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Near_answers_what_is_within_the_walk_nearest_first_with_the_edge_included()
    {
        var d = await f.DistrictAsync();
        var (x, y) = Fresh.Origin(d);
        var here = (Lat: y + 0.2, Lon: x + 0.2);
        await (await f.PutPointAsync($"{d}-SPedge-in", "clinic", ServicePointsFixture.North(here, 1199))).AssertOkAsync(HttpStatusCode.Created);
        await (await f.PutPointAsync($"{d}-SPedge-out", "clinic", ServicePointsFixture.North(here, -1201))).AssertOkAsync(HttpStatusCode.Created);
        await (await f.PutPointAsync($"{d}-SPmarket", "market", ServicePointsFixture.North(here, -600))).AssertOkAsync(HttpStatusCode.Created);
        await (await f.PutPointAsync($"{d}-SPschool", "school", here)).AssertOkAsync(HttpStatusCode.Created);

        var near = await (await f.Operator.GetAsync($"/api/v1/service-points/near?lat={Q(here.Lat)}&lon={Q(here.Lon)}&district={d}")).AssertOkAsync();
        Assert.Equal((15, 80.0, 1200.0), (near.GetProperty("minutes").GetInt32(), near.GetProperty("metresPerMinute").GetDouble(), near.GetProperty("radiusMetres").GetDouble()));
        var items = near.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([$"{d}-SPschool", $"{d}-SPmarket", $"{d}-SPedge-in"], items.Select(i => i.GetProperty("id").GetString()!).ToArray());
        Assert.Equal([0, 600, 1199], items.Select(i => Math.Round(i.GetProperty("distanceMetres").GetDouble())).ToArray());
        Assert.Equal(15.0, items[2].GetProperty("minutes").GetDouble()); // 1199 m / 80 m a minute, to a tenth

        var clinics = await (await f.Operator.GetAsync($"/api/v1/service-points/near?lat={Q(here.Lat)}&lon={Q(here.Lon)}&district={d}&kind=clinic&minutes=16")).AssertOkAsync();
        Assert.Equal([$"{d}-SPedge-in", $"{d}-SPedge-out"], clinics.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray());

        // A district key asks without naming its district.
        using var worker = f.Api.CreateClient(await f.Api.CreateKeyAsync("grid-worker", d));
        var own = await (await worker.GetAsync($"/api/v1/service-points/near?lat={Q(here.Lat)}&lon={Q(here.Lon)}&minutes=5")).AssertOkAsync();
        Assert.Equal($"{d}-SPschool", Assert.Single(own.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    /// <summary>
    /// Households of grid 1 stand at its centroid C1, of micro-grid 2-1 at C3, of grid 2 without a micro-grid at C2
    /// (C3 is 278 m south of C2, C1 3 336 m south of C2); grid 3 has no boundary. Hand-checked distances in the comments.
    /// </summary>
    [Fact]
    public async Task Coverage_of_a_small_hand_checked_community()
    {
        var d = await f.DistrictAsync();
        var (x, y) = Fresh.Origin(d);
        var c1 = (Lat: y + 0.005, Lon: x + 0.005);
        var c3 = (Lat: y + 0.0325, Lon: x + 0.005);
        var c2 = (Lat: y + 0.035, Lon: x + 0.005);
        foreach (var (id, grid, micro) in new[]
        {
            ("H1", "001001001", null), ("H2", "001001001", null), ("H3", "001001002", "00100100201"), ("H4", "001001002", null), ("H5", "001001003", null),
        })
        {
            var microJson = micro is null ? "" : $""","microGridCode":"{d}{micro}" """;
            await (await f.Operator.PutJsonAsync($"/api/v1/households/{d}-{id}", $$"""{"gridCode":"{{d}}{{grid}}","building":"1","room":"101"{{microJson}}}""")).AssertOkAsync(HttpStatusCode.Created);
        }

        var points = new (string Id, string Kind, (double, double) At)[]
        {
            ("P1", "clinic", ServicePointsFixture.North(c1, 1000)),        // C1 1000 m; C3 2058 m
            ("P2", "market", c1),                                          // C1 0 m; C3 3058 m
            ("P3", "elderCanteen", ServicePointsFixture.North(c3, -1100)), // C3 1100 m; C2 1378 m; C1 1958 m
            ("P4", "clinic", ServicePointsFixture.North(c2, 300)),         // C2 300 m; C3 578 m
            ("P5", "market", ServicePointsFixture.North(c2, 1250)),        // C2 1250 m; C3 1528 m
            ("P6", "elderCanteen", ServicePointsFixture.North(c1, -500)),  // C1 500 m
            ("P7", "school", c3),                                          // a kind not asked for
        };
        foreach (var (id, kind, at) in points)
        {
            await (await f.PutPointAsync($"{d}-SP{id}", kind, at)).AssertOkAsync(HttpStatusCode.Created);
        }

        var coverage = await (await f.Operator.GetAsync($"/api/v1/territory/{d}001001/service-coverage?kinds=clinic,market,elderCanteen")).AssertOkAsync();
        Assert.Equal((4, 2, 0.5, 1), (coverage.GetProperty("households").GetInt32(), coverage.GetProperty("covered").GetInt32(), coverage.GetProperty("share").GetDouble(), coverage.GetProperty("unplaced").GetInt32()));
        Assert.Equal(["clinic 4 1", "elderCanteen 3 0.75", "market 2 0.5"], coverage.GetProperty("perKind").EnumerateArray()
            .Select(k => FormattableString.Invariant($"{k.GetProperty("kind").GetString()} {k.GetProperty("households").GetInt32()} {k.GetProperty("share").GetDouble()}")).Order(StringComparer.Ordinal).ToArray());
        var gaps = coverage.GetProperty("gaps").EnumerateArray().ToDictionary(g => g.GetProperty("householdId").GetString()!, g => g);
        Assert.Equal([$"{d}-H3", $"{d}-H4"], gaps.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("microGridCentroid", gaps[$"{d}-H3"].GetProperty("placedBy").GetString());
        Assert.Equal(["market"], gaps[$"{d}-H3"].GetProperty("missing").EnumerateArray().Select(k => k.GetString()!).ToArray());
        Assert.Equal("gridCentroid", gaps[$"{d}-H4"].GetProperty("placedBy").GetString());
        Assert.Equal(["elderCanteen", "market"], gaps[$"{d}-H4"].GetProperty("missing").EnumerateArray().Select(k => k.GetString()!).Order(StringComparer.Ordinal).ToArray());

        // Twenty minutes (1 600 m) reach P5 from C2 and C3, and P3 from C2: everyone placed is covered.
        var longer = await (await f.Operator.GetAsync($"/api/v1/territory/{d}001001/service-coverage?kinds=clinic,market,elderCanteen&minutes=20")).AssertOkAsync();
        Assert.Equal((4, 4, 1.0), (longer.GetProperty("households").GetInt32(), longer.GetProperty("covered").GetInt32(), longer.GetProperty("share").GetDouble()));

        // By default every kind counts: nobody reaches a pharmacy.
        var all = await (await f.Operator.GetAsync($"/api/v1/territory/{d}001001/service-coverage")).AssertOkAsync();
        Assert.Equal(0, all.GetProperty("covered").GetInt32());
    }

    [Fact]
    public async Task The_map_layer_is_GeoJSON_and_other_districts_do_not_exist_for_a_district_key()
    {
        var d = await f.DistrictAsync();
        var other = await f.DistrictAsync();
        var (x, y) = Fresh.Origin(d);
        await (await f.PutPointAsync($"{d}-SP1", "policePost", (y + 0.005, x + 0.005), "警务室")).AssertOkAsync(HttpStatusCode.Created);
        var (ox, oy) = Fresh.Origin(other);
        await (await f.PutPointAsync($"{other}-SP1", "clinic", (oy + 0.005, ox + 0.005))).AssertOkAsync(HttpStatusCode.Created);

        using var centre = f.Api.CreateClient(await f.Api.CreateKeyAsync("command-centre", d));
        var response = await centre.GetAsync($"/api/v1/districts/{d}/layers/service-points");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var layer = await response.AssertOkAsync();
        Assert.Equal("FeatureCollection", layer.GetProperty("type").GetString());
        var feature = Assert.Single(layer.GetProperty("features").EnumerateArray());
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(x + 0.005, feature.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), 9);
        var properties = feature.GetProperty("properties");
        Assert.Equal(($"{d}-SP1", "警务室", "policePost"), (properties.GetProperty("code").GetString(), properties.GetProperty("name").GetString(), properties.GetProperty("kind").GetString()));

        await (await centre.GetAsync($"/api/v1/districts/{other}/layers/service-points")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await centre.GetAsync($"/api/v1/service-points/{other}-SP1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await centre.GetAsync($"/api/v1/service-points/near?lat={Q(oy + 0.005)}&lon={Q(ox + 0.005)}&district={other}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await centre.GetAsync($"/api/v1/territory/{other}001001/service-coverage")).AssertProblemAsync(HttpStatusCode.NotFound);
        // Near for this key looks in its own district only, even where another district's points are.
        var own = await (await centre.GetAsync($"/api/v1/service-points/near?lat={Q(oy + 0.005)}&lon={Q(ox + 0.005)}")).AssertOkAsync();
        Assert.Equal(0, own.GetProperty("items").GetArrayLength());
    }

    private static string Body(string kind, double lat, double lon) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"kind":"{{kind}}","name":"Point","lat":{{lat}},"lon":{{lon}}}""");
}
