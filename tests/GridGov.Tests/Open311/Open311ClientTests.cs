using System.Net;
using System.Xml;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Open311;

/// <summary>
/// GridGov driven the way existing Open311 clients drive a server — FixMyStreet's Open311 module is the model: the
/// endpoint from discovery, every path with <c>.xml</c>, <c>jurisdiction_id</c> on every call, a report as an urlencoded
/// form carrying <c>api_key</c>, the questions as <c>attribute[code]</c>, an empty <c>last_name</c> when the name has
/// one word, and the answers read element by element from the XML (<c>request/service_request_id</c>,
/// <c>error/code</c>, <c>error/description</c>).
/// </summary>
[Collection(Open311Collection.Name)]
public sealed class Open311ClientTests(Open311Fixture f)
{
    private sealed class XmlClient(HttpClient http, string endpoint, string jurisdiction, string apiKey)
    {
        public async Task<(HttpStatusCode Status, XmlDocument Xml)> GetAsync(string path, string query = "")
        {
            var response = await http.GetAsync($"{endpoint}{path}?jurisdiction_id={jurisdiction}{query}");
            return (response.StatusCode, await ParseAsync(response));
        }

        public async Task<(HttpStatusCode Status, XmlDocument Xml)> PostAsync(string path, Dictionary<string, string> fields)
        {
            fields["jurisdiction_id"] = jurisdiction;
            fields["api_key"] = apiKey;
            var response = await http.PostAsync(endpoint + path, new FormUrlEncodedContent(fields));
            return (response.StatusCode, await ParseAsync(response));
        }

        private static async Task<XmlDocument> ParseAsync(HttpResponseMessage response)
        {
            Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
            var xml = new XmlDocument();
            xml.LoadXml(await response.Content.ReadAsStringAsync());
            return xml;
        }
    }

    [Fact]
    public async Task A_fixmystreet_style_client_lists_services_reports_with_attributes_and_follows_its_request()
    {
        var discovery = new XmlDocument();
        discovery.LoadXml(await f.Anonymous.GetStringAsync("/open311/v2/discovery.xml"));
        var endpoint = new Uri(discovery.SelectSingleNode("/discovery/endpoints/endpoint/url")!.InnerText).PathAndQuery;
        var client = new XmlClient(f.Anonymous, endpoint, f.D, f.AppKey);

        var (_, services) = await client.GetAsync("services.xml");
        var withQuestions = services.SelectNodes("/services/service[metadata='true']/service_code")!.Cast<XmlNode>().Select(n => n.InnerText).ToArray();
        Assert.Contains(f.Pothole, withQuestions);

        var (_, meta) = await client.GetAsync($"services/{f.Pothole}.xml");
        var required = meta.SelectNodes("/service_definition/attributes/attribute[required='true']")!.Cast<XmlNode>().ToArray();
        var size = Assert.Single(required);
        Assert.Equal("size", size.SelectSingleNode("code")!.InnerText);
        var firstKey = size.SelectSingleNode("values/value/key")!.InnerText;

        var (lat, lon) = f.InGrid1;
        var report = new Dictionary<string, string>
        {
            ["lat"] = lat,
            ["long"] = lon,
            ["email"] = "reporter@example.org",
            ["description"] = "title:  Pothole\n\ndetail: Deep, by the school gate\n\nurl: https://fms.example.org/report/1\n\nSubmitted via FixMyStreet",
            ["service_code"] = f.Pothole,
            ["first_name"] = "Alex",
            ["last_name"] = "",
            ["media_url"] = "https://fms.example.org/photo/1.jpeg",
            ["attribute[size]"] = firstKey,
        };
        var (status, created) = await client.PostAsync("requests.xml", report);
        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.SelectSingleNode("/service_requests/request/service_request_id")!.InnerText;
        Assert.NotEmpty(id);

        var (_, requests) = await Eventually.MatchesAsync(
            () => client.GetAsync("requests.xml", $"&service_request_id={id}"),
            r => r.Xml.SelectSingleNode("/service_requests/request/service_request_id")?.InnerText == id,
            $"{id} in the read model", describe: r => r.Xml.OuterXml);
        var request = requests.SelectSingleNode("/service_requests/request")!;
        Assert.Equal(("open", "https://fms.example.org/photo/1.jpeg"), (request.SelectSingleNode("status")!.InnerText, request.SelectSingleNode("media_url")!.InnerText));
        Assert.StartsWith("title:  Pothole", request.SelectSingleNode("description")!.InnerText, StringComparison.Ordinal);

        // An answer the question does not offer: the client reads the error's code and description.
        report["attribute[size]"] = "enormous";
        var (refused, errors) = await client.PostAsync("requests.xml", report);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("400", errors.SelectSingleNode("/errors/error/code")!.InnerText);
        Assert.Contains("attribute[size]", errors.SelectSingleNode("/errors/error/description")!.InnerText, StringComparison.Ordinal);
    }
}
