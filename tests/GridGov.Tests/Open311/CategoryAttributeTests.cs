using System.Net;
using GridGov.Tests.Api;

namespace GridGov.Tests.Open311;

/// <summary>A category's extra questions in the native API: defined on the category, answered on the case.</summary>
[Collection(Open311Collection.Name)]
public sealed class CategoryAttributeTests(Open311Fixture f)
{
    private string Report(string attributes) => FormattableString.Invariant(
        $$"""{"category":"{{f.Pothole}}","description":"Pothole","source":"gridPatrol","gridCode":"{{f.Grid1}}"{{attributes}}}""");

    [Fact]
    public async Task A_native_report_answers_the_categorys_questions_and_its_view_shows_them()
    {
        var created = await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", Report(""","attributes":{"size":"small","hazards":["water","traffic"],"depth":12.5}"""))).AssertOkAsync(HttpStatusCode.Created);
        var attributes = created.GetProperty("attributes");
        Assert.Equal(("small", "12.5"), (attributes.GetProperty("size").GetString(), attributes.GetProperty("depth").GetString()));
        Assert.Equal(2, attributes.GetProperty("hazards").GetArrayLength());

        await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", Report(""))).AssertProblemAsync(HttpStatusCode.BadRequest, "attributes.size");
        await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", Report(""","attributes":{"size":"huge"}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "attributes.size");
        await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", Report(""","attributes":{"size":"small","depth":"deep"}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "attributes.depth");
        await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", Report(""","attributes":{"size":{"a":1}}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "attributes.size");
        var plain = await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", FormattableString.Invariant(
            $$"""{"category":"event.other","description":"Plain","source":"gridPatrol","gridCode":"{{f.Grid1}}"}"""))).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, plain.GetProperty("attributes").ValueKind);
    }

    [Theory]
    [InlineData("""[{"code":"a","datatype":"singleValueList","required":true,"description":"A?","order":1,"values":[]}]""", "attributes[0].values")]
    [InlineData("""[{"code":"a","datatype":"string","required":false,"description":"A?","order":1,"values":[{"key":"x","name":"X"}]}]""", "attributes[0].values")]
    [InlineData("""[{"code":"a","datatype":"text","required":false,"description":"A?","order":1},{"code":"a","datatype":"text","required":false,"description":"B?","order":2}]""", "attributes[1].code")]
    [InlineData("""[{"code":"a b","datatype":"text","required":false,"description":"A?","order":1}]""", "attributes[0].code")]
    [InlineData("""[{"code":"a","datatype":"colour","required":false,"description":"A?","order":1}]""", "attributes[0].datatype")]
    public async Task A_malformed_question_is_a_400_naming_it(string attributes, string field)
    {
        var body = $$"""{"name":"Q","class":"event","timeLimitHours":24,"responseLimitHours":2,"department":"D","attributes":{{attributes}}}""";
        await (await f.Operator.PutJsonAsync($"/api/v1/districts/{f.D}/categories/o311.bad", body)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
