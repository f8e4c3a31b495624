using System.Net;
using System.Text.Json;
using GridGov.Contracts.Cameras;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Cameras;

public sealed class CameraCodeTests
{
    [Theory]
    [InlineData("46020400001320000001", null)]
    [InlineData("46020400001310000001", null)]
    [InlineData("46020400001110000001", null)]
    [InlineData("4602040000132000001", "20 digits")]
    [InlineData("4602040000132000000a", "20 digits")]
    [InlineData("00000000001320000001", "district")]
    [InlineData("46020400002000000001", "device type")]
    [InlineData("46020400001340000001", "device type")]
    public void A_code_is_20_digits_of_a_district_and_a_video_device_type(string code, string? problem)
    {
        var found = CameraCodes.Problem(code);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }
}

public sealed class CameraTests(CameraFixture f) : IClassFixture<CameraFixture>
{
    private static string Id(JsonElement e) => e.GetProperty("caseId").GetString()!;

    private static string Outcome(JsonElement e) => e.GetProperty("outcome").GetString()!;

    private async Task<JsonElement> CaseAsync(string id) => await (await f.Operator.GetAsync($"/api/v1/cases/{id}")).AssertOkAsync();

    private async Task<JsonElement> LabelAsync(string code, string label) =>
        (await (await f.Operator.GetAsync($"/api/v1/cameras/{code}")).AssertOkAsync()).GetProperty("labels").EnumerateArray().Single(l => l.GetProperty("label").GetString() == label);

    [Fact]
    public async Task A_camera_is_registered_placed_by_locate_listed_on_the_layer_and_deleted()
    {
        var code = f.NewCode();
        var (x, y) = Fresh.Origin(f.District);
        var created = await f.Operator.PutJsonAsync($"/api/v1/cameras/{code}", CameraFixture.CameraBody(y + 0.01, x + 0.01));
        var camera = await created.AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal((f.Grid1, f.Micro), (camera.GetProperty("gridCode").GetString(), camera.GetProperty("microGridCode").GetString()));
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal(30, camera.GetProperty("labels")[0].GetProperty("windowMinutes").GetInt32());

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/cameras/{code}") { Content = new StringContent(CameraFixture.CameraBody(y + 0.05, x + 0.15), System.Text.Encoding.UTF8, "application/json") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        await (await f.Operator.SendAsync(stale)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        var moved = await (await f.Operator.PutJsonAsync($"/api/v1/cameras/{code}", CameraFixture.CameraBody(y + 0.05, x + 0.15))).AssertOkAsync();
        Assert.Equal((f.Grid2, JsonValueKind.Null, 2L), (moved.GetProperty("gridCode").GetString(), moved.GetProperty("microGridCode").ValueKind, moved.GetProperty("version").GetInt64()));

        var list = await (await f.CommandCentre.GetAsync($"/api/v1/districts/{f.District}/cameras")).AssertOkAsync();
        Assert.Contains(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("code").GetString() == code);
        var layer = await f.CommandCentre.GetAsync($"/api/v1/districts/{f.District}/layers/cameras");
        Assert.Equal("application/geo+json", layer.Content.Headers.ContentType?.MediaType);
        var feature = (await layer.AssertOkAsync()).GetProperty("features").EnumerateArray().Single(c => c.GetProperty("properties").GetProperty("code").GetString() == code);
        Assert.Equal(("Point", "camera", f.Grid2), (feature.GetProperty("geometry").GetProperty("type").GetString(), feature.GetProperty("properties").GetProperty("kind").GetString(), feature.GetProperty("properties").GetProperty("gridCode").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await f.Operator.DeleteAsync($"/api/v1/cameras/{code}")).StatusCode);
        await (await f.Operator.GetAsync($"/api/v1/cameras/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await Eventually.TrueAsync(
            async () => !(await (await f.CommandCentre.GetAsync($"/api/v1/districts/{f.District}/cameras")).AssertOkAsync()).GetProperty("items").EnumerateArray().Any(c => c.GetProperty("code").GetString() == code),
            "the deleted camera to leave the list");
    }

    [Theory]
    [InlineData("4602040000132000001", null, "code")]
    [InlineData("{d}0000200{n}", null, "code")]
    [InlineData("{d}0000132{n}", """[{"label":"x","category":"no.such","threshold":0.5}]""", "labels[0].category")]
    [InlineData("{d}0000132{n}", """[{"label":"x","category":"event.other","threshold":1.5}]""", "Labels[0].Threshold")]
    [InlineData("{d}0000132{n}", """[]""", "Labels")]
    [InlineData("{d}0000132{n}", """[{"label":"x","category":"event.other","threshold":0.5},{"label":"x","category":"event.other","threshold":0.5}]""", "labels[1].label")]
    public async Task A_bad_camera_is_a_400_naming_the_field(string code, string? labels, string field)
    {
        code = code.Replace("{d}", f.District, StringComparison.Ordinal).Replace("{n}", "9999999", StringComparison.Ordinal);
        var (x, y) = Fresh.Origin(f.District);
        var body = labels is null ? CameraFixture.CameraBody(y + 0.01, x + 0.01) : CameraFixture.CameraBody(y + 0.01, x + 0.01, labels);
        var problem = await (await f.Operator.PutJsonAsync($"/api/v1/cameras/{code}", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Below_the_threshold_a_detection_is_recorded_at_it_a_case_goes_to_the_micro_grid()
    {
        var code = await f.CameraAsync();
        Assert.Equal("recorded", Outcome(await f.DetectAsync(code, "illegal-parking", 0.79, f.T0)));
        var reported = await f.DetectAsync(code, "illegal-parking", 0.8, f.T0.AddMinutes(1));
        Assert.Equal("reported", Outcome(reported));

        var c = await CaseAsync(Id(reported));
        Assert.Equal(("camera", f.Micro, "event.street-order"), (c.GetProperty("source").GetString(), c.GetProperty("gridCode").GetString(), c.GetProperty("category").GetString()));
        Assert.Equal((code, 1), (c.GetProperty("detection").GetProperty("cameraCode").GetString(), c.GetProperty("detection").GetProperty("count").GetInt32()));
        var tally = await LabelAsync(code, "illegal-parking");
        Assert.Equal((2L, 1L, 1L), (tally.GetProperty("detections").GetInt64(), tally.GetProperty("belowThreshold").GetInt64(), tally.GetProperty("cases").GetInt64()));

        // A retried detection answers the same case and counts nothing again.
        var again = await f.DetectAsync(code, "illegal-parking", 0.8, f.T0.AddMinutes(1));
        Assert.Equal((Id(reported), true), (Id(again), again.GetProperty("replayed").GetBoolean()));
        Assert.Equal(2L, (await LabelAsync(code, "illegal-parking")).GetProperty("detections").GetInt64());
    }

    [Fact]
    public async Task Repeats_within_the_window_attach_and_outside_it_or_of_another_label_make_new_cases()
    {
        var code = await f.CameraAsync(inGrid2: true);
        var first = Id(await f.DetectAsync(code, "illegal-parking", 0.9, f.T0));

        // Just inside the 30-minute window of the last detection: attached (and the window slides with it).
        var inside = await f.DetectAsync(code, "illegal-parking", 0.95, f.T0.AddMinutes(30));
        Assert.Equal(("attached", first), (Outcome(inside), Id(inside)));
        var slid = await f.DetectAsync(code, "illegal-parking", 0.9, f.T0.AddMinutes(59));
        Assert.Equal(("attached", first), (Outcome(slid), Id(slid)));

        // Another label within the window: a case of its own (its category, its window).
        var garbage = await f.DetectAsync(code, "garbage", 0.7, f.T0.AddMinutes(60));
        Assert.Equal("reported", Outcome(garbage));
        Assert.NotEqual(first, Id(garbage));
        Assert.Equal("event.environment", (await CaseAsync(Id(garbage))).GetProperty("category").GetString());

        // Just outside: a second after 30 minutes from the last detection.
        var outside = await f.DetectAsync(code, "illegal-parking", 0.9, f.T0.AddMinutes(89).AddSeconds(1));
        Assert.Equal("reported", Outcome(outside));
        Assert.NotEqual(first, Id(outside));

        var c = await CaseAsync(first);
        Assert.Equal((f.Grid2, 3), (c.GetProperty("gridCode").GetString(), c.GetProperty("detection").GetProperty("count").GetInt32()));
        var history = await (await f.Operator.GetAsync($"/api/v1/cases/{first}/history")).AssertOkAsync();
        Assert.Equal(2, history.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "detection"));
        Assert.Equal(2L, (await LabelAsync(code, "illegal-parking")).GetProperty("attached").GetInt64());
    }

    [Fact]
    public async Task After_the_case_closed_a_repeat_makes_a_new_case_and_false_positives_lower_the_precision()
    {
        var code = await f.CameraAsync();
        var first = Id(await f.DetectAsync(code, "illegal-parking", 0.9, f.T0));
        await (await f.Operator.PostJsonAsync($"/api/v1/cases/{first}/reject", """{"reason":"falsePositive","note":"A delivery van loading"}""")).AssertOkAsync();
        Assert.True((await CaseAsync(first)).GetProperty("falsePositive").GetBoolean());

        var second = await f.DetectAsync(code, "illegal-parking", 0.9, f.T0.AddMinutes(5));
        Assert.Equal("reported", Outcome(second));
        Assert.NotEqual(first, Id(second));

        var afterOne = await Eventually.MatchesAsync(() => LabelAsync(code, "illegal-parking"), l => l.GetProperty("decided").GetInt64() == 1, "the camera to count the rejected case");
        Assert.Equal((1L, 0.0), (afterOne.GetProperty("falsePositives").GetInt64(), afterOne.GetProperty("precision").GetDouble()));

        await (await f.Operator.PostJsonAsync($"/api/v1/cases/{Id(second)}/reject", """{"note":"Already handled on the spot"}""")).AssertOkAsync();
        var afterTwo = await Eventually.MatchesAsync(() => LabelAsync(code, "illegal-parking"), l => l.GetProperty("decided").GetInt64() == 2, "the camera to count the second case");
        Assert.Equal((1L, 0.5), (afterTwo.GetProperty("falsePositives").GetInt64(), afterTwo.GetProperty("precision").GetDouble()));
    }

    [Fact]
    public async Task Only_a_camera_systems_key_of_the_cameras_district_posts_detections()
    {
        var code = await f.CameraAsync();
        var body = CameraFixture.Detection("illegal-parking", 0.9, f.T0);
        await (await f.ResidentApp.PostJsonAsync($"/api/v1/cameras/{code}/detections", body)).AssertProblemAsync(HttpStatusCode.Forbidden, "source");
        await (await f.Operator.PostJsonAsync($"/api/v1/cameras/{code}/detections", body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await f.Camera.PostJsonAsync($"/api/v1/cameras/{code}/detections", CameraFixture.Detection("smoke", 0.9, f.T0))).AssertProblemAsync(HttpStatusCode.BadRequest, "label");
        await (await f.Camera.PostJsonAsync($"/api/v1/cameras/{f.NewCode()}/detections", body)).AssertProblemAsync(HttpStatusCode.NotFound);

        // Another district's camera does not exist for this district's keys.
        var other = Fresh.District();
        await (await f.Camera.PostJsonAsync($"/api/v1/cameras/{other}0000132{0:D7}/detections", body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.CommandCentre.GetAsync($"/api/v1/cameras/{other}0000132{0:D7}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.CommandCentre.GetAsync($"/api/v1/districts/{other}/layers/cameras")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
