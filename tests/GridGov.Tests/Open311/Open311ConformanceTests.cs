using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Open311;

/// <summary>GeoReport v2 as the specification has it, in both formats, over GridGov's cases, categories and keys.</summary>
[Collection(Open311Collection.Name)]
public sealed class Open311ConformanceTests(Open311Fixture f)
{
    private static readonly string[] RequestElements =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
        "lat", "long", "media_url",
    ];

    private static string[] Names(XElement e) => e.Elements().Select(c => c.Name.LocalName).ToArray();

    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public async Task Discovery_names_the_endpoint_and_both_formats()
    {
        var xml = await f.XmlAsync("/discovery.xml");
        Assert.Equal("discovery", xml.Name.LocalName);
        Assert.Equal(["changeset", "contact", "key_service", "endpoints"], Names(xml));
        var endpoint = Assert.Single(xml.Element("endpoints")!.Elements("endpoint"));
        Assert.Equal(["specification", "url", "changeset", "type", "formats"], Names(endpoint));
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.Element("specification")!.Value);
        Assert.Equal(["text/xml", "application/json"], endpoint.Element("formats")!.Elements("format").Select(e => e.Value).ToArray());

        var json = await f.JsonAsync("/discovery.json");
        Assert.Equal("production", json.GetProperty("endpoints")[0].GetProperty("type").GetString());
        Assert.EndsWith("/open311/v2/", json.GetProperty("endpoints")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task Services_list_the_districts_categories_with_metadata_for_extra_questions()
    {
        var xml = await f.XmlAsync($"/services.xml?jurisdiction_id={f.D}");
        Assert.Equal("services", xml.Name.LocalName);
        Assert.All(xml.Elements(), s => Assert.Equal(["service_code", "service_name", "description", "metadata", "type", "keywords", "group"], Names(s)));
        var pothole = xml.Elements("service").Single(s => s.Element("service_code")!.Value == f.Pothole);
        Assert.Equal(("true", "realtime", "部件 Components"), (pothole.Element("metadata")!.Value, pothole.Element("type")!.Value, pothole.Element("group")!.Value));
        Assert.Equal("false", xml.Elements("service").Single(s => s.Element("service_code")!.Value == "event.environment").Element("metadata")!.Value);

        var json = await f.JsonAsync($"/services.json?jurisdiction_id={f.D}");
        var service = json.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == f.Pothole);
        Assert.True(service.GetProperty("metadata").GetBoolean());
        Assert.Equal("坑洼 Pothole", service.GetProperty("service_name").GetString());
    }

    [Fact]
    public async Task A_service_definition_carries_the_categorys_attributes_in_both_formats()
    {
        var xml = await f.XmlAsync($"/services/{f.Pothole}.xml?jurisdiction_id={f.D}");
        Assert.Equal("service_definition", xml.Name.LocalName);
        Assert.Equal(["service_code", "attributes"], Names(xml));
        var attributes = xml.Element("attributes")!.Elements("attribute").ToArray();
        Assert.Equal(["size", "hazards", "depth"], attributes.Select(a => a.Element("code")!.Value).ToArray());
        Assert.All(attributes, a => Assert.Equal(["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"], Names(a)));
        Assert.Equal(["singlevaluelist", "multivaluelist", "number"], attributes.Select(a => a.Element("datatype")!.Value).ToArray());
        Assert.Equal(["small", "large"], attributes[0].Element("values")!.Elements("value").Select(v => v.Element("key")!.Value).ToArray());
        Assert.Equal(["key", "name"], Names(attributes[0].Element("values")!.Elements("value").First()));

        var json = await f.JsonAsync($"/services/{f.Pothole}.json?jurisdiction_id={f.D}");
        var size = json.GetProperty("attributes")[0];
        Assert.True(size.GetProperty("required").GetBoolean());
        Assert.Equal("Larger than a plate", size.GetProperty("values")[1].GetProperty("name").GetString());
        Assert.Equal("centimetres", json.GetProperty("attributes")[2].GetProperty("datatype_description").GetString());

        var native = await (await f.Operator.GetAsync($"/api/v1/districts/{f.D}/categories")).AssertOkAsync();
        var category = native.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("code").GetString() == f.Pothole);
        Assert.Equal("multiValueList", category.GetProperty("attributes")[1].GetProperty("datatype").GetString());
    }

    [Fact]
    public async Task A_post_creates_a_case_whose_personal_data_no_open311_read_shows()
    {
        var response = await f.PostAsync("xml", f.Form(null, ("attribute[hazards][]", "water"), ("account_id", "acct-9")));
        var created = await Open311Fixture.ParseXmlAsync(response, HttpStatusCode.Created);
        Assert.Equal("service_requests", created.Name.LocalName);
        var request = Assert.Single(created.Elements("request"));
        Assert.Equal(["service_request_id", "service_notice", "account_id"], Names(request));
        Assert.Equal("acct-9", request.Element("account_id")!.Value);
        var id = request.Element("service_request_id")!.Value;

        var multipart = new MultipartFormDataContent();
        foreach (var (key, value) in f.Form(null, ("attribute[size]", "small")))
        {
            multipart.Add(new StringContent(value), key);
        }

        multipart.Add(new StringContent("traffic"), "attribute[hazards][]");
        multipart.Add(new StringContent("water"), "attribute[hazards][]");
        var second = await f.Anonymous.PostAsync($"{Open311Fixture.Base}/requests.json", multipart);
        var secondBody = await second.Content.ReadAsStringAsync();
        Assert.True(second.StatusCode == HttpStatusCode.Created, secondBody);
        var secondId = JsonDocument.Parse(secondBody).RootElement[0].GetProperty("service_request_id").GetString()!;

        // The native case: source residentApp, routed to grid 1, the reporter kept as the native API keeps one.
        var native = await (await f.CommandCentre.GetAsync($"/api/v1/cases/{id}")).AssertOkAsync();
        Assert.Equal(("residentApp", f.Grid1), (native.GetProperty("source").GetString(), native.GetProperty("gridCode").GetString()));
        Assert.Equal(("晓明 王", "139****5678"), (native.GetProperty("reporter").GetProperty("name").GetString(), native.GetProperty("reporter").GetProperty("phoneMasked").GetString()));
        Assert.Equal("large", native.GetProperty("attributes").GetProperty("size").GetString());
        Assert.Equal("water", native.GetProperty("attributes").GetProperty("hazards").GetString());
        var nativeSecond = await (await f.CommandCentre.GetAsync($"/api/v1/cases/{secondId}")).AssertOkAsync();
        Assert.Equal(["traffic", "water"], nativeSecond.GetProperty("attributes").GetProperty("hazards").EnumerateArray().Select(v => v.GetString()!).ToArray());

        var xml = await f.XmlAsync($"/requests/{id}.xml?jurisdiction_id={f.D}&extensions=true");
        var read = Assert.Single(xml.Elements("request"));
        Assert.Equal([.. RequestElements, "extended_attributes"], Names(read));
        Assert.Equal(("open", f.Pothole, "Roads office"), (read.Element("status")!.Value, read.Element("service_code")!.Value, read.Element("agency_responsible")!.Value));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", read.Element("requested_datetime")!.Value);

        var json = await f.JsonAsync($"/requests/{secondId}.json?jurisdiction_id={f.D}");
        Assert.Equal(RequestElements, Names(json[0]));
        foreach (var body in new[] { xml.ToString(), json.GetRawText() })
        {
            Assert.DoesNotContain("晓明", body);
            Assert.DoesNotContain("5678", body);
            Assert.DoesNotContain("wang@example.cn", body);
        }
    }

    [Fact]
    public async Task Keys_missing_unknown_revoked_of_another_role_or_district_are_refused_with_403()
    {
        await Open311Fixture.AssertErrorAsync(await f.PostAsync("json", f.Form(null, ("api_key", ""))), HttpStatusCode.Forbidden, "api_key");
        await Open311Fixture.AssertXmlErrorAsync(await f.PostAsync("xml", f.Form("gg_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), HttpStatusCode.Forbidden, "api_key");
        await Open311Fixture.AssertErrorAsync(await f.PostAsync("json", f.Form(f.RevokedAppKey)), HttpStatusCode.Forbidden, "api_key");
        await Open311Fixture.AssertErrorAsync(await f.PostAsync("json", f.Form(f.OtherAppKey)), HttpStatusCode.Forbidden, "api_key");
        await Open311Fixture.AssertErrorAsync(await f.PostAsync("json", f.Form(f.Api.BootstrapKey)), HttpStatusCode.Forbidden, "api_key");

        // A key reads only its own district: another's request does not exist for it.
        var id = await f.SubmitAsync();
        var other = f.Api.CreateClient(f.OtherAppKey);
        await Open311Fixture.AssertErrorAsync(await other.GetAsync($"{Open311Fixture.Base}/requests/{id}.json"), HttpStatusCode.NotFound, id);
        await Open311Fixture.AssertErrorAsync(await other.GetAsync($"{Open311Fixture.Base}/requests/{id}.json?jurisdiction_id={f.D}"), HttpStatusCode.NotFound, "jurisdiction_id");
        Assert.Equal(id, (await f.JsonAsync($"/requests/{id}.json", client: f.Api.CreateClient(f.AppKey)))[0].GetProperty("service_request_id").GetString());
    }

    public static TheoryData<string, string, string> BadPosts() => new()
    {
        { "service_code", "no.such-service", "service_code" },
        { "lat", "91", "lat" },
        { "long", "east", "long" },
        { "description", new string('x', 4001), "description" },
        { "attribute[size]", "huge", "attribute[size]" },
        { "attribute[size]", "", "attribute[size]" },
        { "attribute[colour]", "red", "attribute[colour]" },
        { "attribute[depth]", "deep", "attribute[depth]" },
        { "phone", "call me", "phone" },
        { "media_url", "ftp://example.org/x.jpg", "media_url" },
        { "jurisdiction_id", "12", "jurisdiction_id" },
    };

    [Theory]
    [MemberData(nameof(BadPosts))]
    public async Task Bad_input_to_a_post_is_a_400_naming_the_field_in_both_formats(string field, string value, string named)
    {
        await Open311Fixture.AssertErrorAsync(await f.PostAsync("json", f.Form(null, (field, value))), HttpStatusCode.BadRequest, named);
        await Open311Fixture.AssertXmlErrorAsync(await f.PostAsync("xml", f.Form(null, (field, value))), HttpStatusCode.BadRequest, named);
    }

    [Theory]
    [InlineData("/requests.json?start_date=yesterday", "start_date")]
    [InlineData("/requests.json?end_date=2026-13-45T00:00:00Z", "end_date")]
    [InlineData("/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 days")]
    [InlineData("/requests.json?status=pending", "status")]
    [InlineData("/requests.json?page=0", "page")]
    [InlineData("/requests.json?page_size=1001", "page_size")]
    [InlineData("/services.yaml", "format")]
    [InlineData("/requests.json?jurisdiction_id=abc", "jurisdiction_id")]
    public async Task Bad_input_to_a_read_is_a_400_naming_it(string path, string named)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var withJurisdiction = path.Contains("jurisdiction_id", StringComparison.Ordinal) ? path : $"{path}{separator}jurisdiction_id={f.D}";
        if (!path.Contains(".json", StringComparison.Ordinal))
        {
            // An extension the server does not know is answered in the specification's default format, XML.
            await Open311Fixture.AssertXmlErrorAsync(await f.Anonymous.GetAsync(Open311Fixture.Base + withJurisdiction), HttpStatusCode.BadRequest, named);
        }
        else
        {
            await Open311Fixture.AssertErrorAsync(await f.Anonymous.GetAsync(Open311Fixture.Base + withJurisdiction), HttpStatusCode.BadRequest, named);
            await Open311Fixture.AssertXmlErrorAsync(await f.Anonymous.GetAsync(Open311Fixture.Base + withJurisdiction.Replace(".json", ".xml", StringComparison.Ordinal)), HttpStatusCode.BadRequest, named);
        }
    }

    [Fact]
    public async Task Unknown_requests_services_and_paths_are_404s_in_the_specs_body()
    {
        await Open311Fixture.AssertErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/requests/{f.D}-20260101-0000000000000000.json?jurisdiction_id={f.D}"), HttpStatusCode.NotFound, "does not exist");
        await Open311Fixture.AssertXmlErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/services/nothing-here.xml?jurisdiction_id={f.D}"), HttpStatusCode.NotFound, "service_code");
        await Open311Fixture.AssertXmlErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/no-such-thing"), HttpStatusCode.NotFound, "not an Open311 resource");
        await Open311Fixture.AssertErrorAsync(await f.Anonymous.DeleteAsync($"{Open311Fixture.Base}/services.json"), HttpStatusCode.MethodNotAllowed, "DELETE");
    }

    [Fact]
    public async Task Jurisdiction_id_is_required_of_keyless_calls_once_the_server_holds_several_districts()
    {
        await Open311Fixture.AssertErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/services.json"), HttpStatusCode.BadRequest, "jurisdiction_id");
        await Open311Fixture.AssertXmlErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/requests.xml"), HttpStatusCode.BadRequest, "jurisdiction_id");
        await Open311Fixture.AssertErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/services.json?jurisdiction_id=999999"), HttpStatusCode.NotFound, "jurisdiction_id");
        // A key of one district stands for its district.
        var services = await f.JsonAsync("/services.json", client: f.Api.CreateClient(f.AppKey));
        Assert.Contains(services.EnumerateArray(), s => s.GetProperty("service_code").GetString() == f.Pothole);
        Assert.Equal(HttpStatusCode.Created, (await f.PostAsync("json", f.Form(null, ("jurisdiction_id", "")))).StatusCode);
    }

    [Fact]
    public async Task Requests_page_newest_first_filtered_by_service_and_window()
    {
        var code = $"o311.paging-{Guid.NewGuid():N}"[..28];
        await (await f.Operator.PutJsonAsync($"/api/v1/districts/{f.D}/categories/{code}",
            """{"name":"Paging","class":"event","timeLimitHours":24,"responseLimitHours":2,"department":"Tests"}""")).AssertOkAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await f.SubmitAsync(("service_code", code), ("attribute[size]", "")));
        }

        var all = await Eventually.MatchesAsync(
            () => f.JsonAsync($"/requests.json?jurisdiction_id={f.D}&service_code={code},event.other"),
            r => r.GetArrayLength() == 3, $"the three requests of {code} in the read model", describe: r => r.GetRawText());
        Assert.Equal(Enumerable.Reverse(ids).ToArray(), all.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!).ToArray());

        var first = await f.JsonAsync($"/requests.json?jurisdiction_id={f.D}&service_code={code}&page_size=2");
        var second = await f.XmlAsync($"/requests.xml?jurisdiction_id={f.D}&service_code={code}&page_size=2&page=2");
        Assert.Equal([ids[2], ids[1]], first.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!).ToArray());
        Assert.Equal([ids[0]], second.Elements("request").Select(r => r.Element("service_request_id")!.Value).ToArray());

        // Ids override the other filters; a window in the past holds none of them; open and closed filter by status.
        var byId = await f.JsonAsync($"/requests.json?jurisdiction_id={f.D}&service_request_id={ids[0]},{ids[2]}&service_code=event.other&status=closed");
        Assert.Equal([ids[2], ids[0]], byId.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!).ToArray());
        var now = DateTimeOffset.UtcNow;
        var past = await f.JsonAsync(FormattableString.Invariant($"/requests.json?jurisdiction_id={f.D}&service_code={code}&start_date={now.AddDays(-200):yyyy-MM-ddTHH:mm:ssZ}&end_date={now.AddDays(-111):yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(0, past.GetArrayLength());
        var recent = await f.JsonAsync(FormattableString.Invariant($"/requests.json?jurisdiction_id={f.D}&service_code={code}&start_date={now.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(3, recent.GetArrayLength());
        Assert.Equal(3, (await f.JsonAsync($"/requests.json?jurisdiction_id={f.D}&service_code={code}&status=open")).GetArrayLength());
        Assert.Equal(0, (await f.JsonAsync($"/requests.json?jurisdiction_id={f.D}&service_code={code}&status=closed")).GetArrayLength());
    }

    [Fact]
    public async Task An_address_that_cannot_be_placed_goes_to_the_districts_triage()
    {
        var id = await f.SubmitAsync(("lat", ""), ("long", ""), ("address_string", "No. 5, Unmapped Lane"));
        var read = await f.JsonAsync($"/requests/{id}.json?jurisdiction_id={f.D}&extensions=true");
        Assert.Equal(("No. 5, Unmapped Lane", f.D), (read[0].GetProperty("address").GetString(), read[0].GetProperty("extended_attributes").GetProperty("grid_code").GetString()));
        var (lat, lon) = Open311Fixture.Point(f.O, 0.05, 0.05); // a point of another district: still D's, at its triage
        var outside = await f.SubmitAsync(("lat", lat), ("long", lon));
        Assert.Equal(f.D, (await f.JsonAsync($"/requests/{outside}.json?jurisdiction_id={f.D}&extensions=true"))[0].GetProperty("extended_attributes").GetProperty("grid_code").GetString());
        await Open311Fixture.AssertErrorAsync(await f.PostAsync("json", f.Form(null, ("lat", ""), ("long", ""))), HttpStatusCode.BadRequest, "location");
    }

    [Fact]
    public async Task The_round_trip_a_request_closed_through_the_native_api_reads_back_closed_with_its_notes()
    {
        var id = await f.SubmitAsync();
        async Task ActAsync(HttpClient client, string action, string body = "{}") =>
            await (await client.PostJsonAsync($"/api/v1/cases/{id}/{action}", body)).AssertOkAsync();
        await ActAsync(f.CommandCentre, "file", """{"note":"Valid report"}""");
        await ActAsync(f.CommandCentre, "dispatch", """{"assignee":"w-311"}""");
        await ActAsync(f.Worker, "accept");
        await ActAsync(f.Worker, "resolve", """{"note":"Filled and levelled"}""");
        await ActAsync(f.CommandCentre, "verify", """{"note":"Checked on site"}""");

        var xml = await f.XmlAsync($"/requests/{id}.xml?jurisdiction_id={f.D}&extensions=true");
        var request = xml.Element("request")!;
        Assert.Equal(("closed", "已核查结案"), (request.Element("status")!.Value, request.Element("status_notes")!.Value));
        var extended = request.Element("extended_attributes")!;
        Assert.Equal(("closed", f.Grid1), (extended.Element("state")!.Value, extended.Element("grid_code")!.Value));
        var notes = extended.Element("notes")!.Elements("note").ToArray();
        Assert.All(notes, n => Assert.Equal(["datetime", "description", "type"], Names(n)));
        Assert.Equal(["reported", "filed", "dispatched", "accepted", "resolved", "verified"], notes.Select(n => n.Element("type")!.Value).ToArray());
        Assert.Equal("Filled and levelled", notes[4].Element("description")!.Value);
        Assert.NotEqual("", request.Element("expected_datetime")!.Value);

        var closed = await Eventually.MatchesAsync(
            () => f.JsonAsync($"/requests.json?jurisdiction_id={f.D}&service_request_id={id}&extensions=true"),
            r => r.GetArrayLength() == 1 && r[0].GetProperty("status").GetString() == "closed", $"{id} closed in the read model", describe: r => r.GetRawText());
        Assert.Equal("closed", closed[0].GetProperty("extended_attributes").GetProperty("state").GetString());
        Assert.Contains(
            (await f.JsonAsync($"/requests.json?jurisdiction_id={f.D}&status=closed&service_code={f.Pothole}")).EnumerateArray(),
            r => r.GetProperty("service_request_id").GetString() == id);
    }

    [Fact]
    public async Task A_district_can_require_a_key_for_reads()
    {
        await (await f.Operator.PutJsonAsync($"/api/v1/districts/{f.O}/open311", """{"requireKeyForReads":true,"language":"en","utcOffsetMinutes":0,"contact":"ops@o.example"}""")).AssertOkAsync();
        await Open311Fixture.AssertErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/services.json?jurisdiction_id={f.O}"), HttpStatusCode.Forbidden, "api_key");
        var other = f.Api.CreateClient(f.OtherAppKey);
        Assert.NotEqual(0, (await f.JsonAsync("/services.json", client: other)).GetArrayLength());
        Assert.Equal(0, (await f.JsonAsync("/requests.json?api_key=" + f.OtherAppKey)).GetArrayLength());
        // D still reads publicly.
        Assert.NotEqual(0, (await f.JsonAsync($"/services.json?jurisdiction_id={f.D}")).GetArrayLength());
    }

    [Fact]
    public async Task A_token_answers_its_request()
    {
        var id = await f.SubmitAsync();
        var xml = await f.XmlAsync($"/tokens/{id}.xml?jurisdiction_id={f.D}");
        Assert.Equal(["service_request_id", "token"], Names(xml.Element("request")!));
        Assert.Equal(id, xml.Element("request")!.Element("service_request_id")!.Value);
        await Open311Fixture.AssertErrorAsync(await f.Anonymous.GetAsync($"{Open311Fixture.Base}/tokens/nope.json?jurisdiction_id={f.D}"), HttpStatusCode.NotFound, "nope");
    }
}
