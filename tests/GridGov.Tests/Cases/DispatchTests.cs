using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Cases;

/// <summary>Dispatch to micro-grids and to people who exist: routing, the default chief, the assignee check, departments.</summary>
public sealed class DispatchTests(EscalationFixture f) : IClassFixture<EscalationFixture>
{
    private static string Id(JsonElement c) => c.GetProperty("id").GetString()!;

    [Fact]
    public async Task A_case_inside_a_micro_grid_is_routed_to_it_and_its_chief_takes_it_by_default()
    {
        var reported = await f.ReportAsync(dx: 0.01, dy: 0.01);
        Assert.Equal((f.Micro, "microGrid"), (reported.GetProperty("gridCode").GetString(), reported.GetProperty("handledAt").GetString()));
        var id = Id(reported);
        await f.ActAsync(f.Operator, id, "file");
        var dispatched = await f.ActAsync(f.Operator, id, "dispatch");
        Assert.Equal("mc-1", dispatched.GetProperty("assignee").GetString());

        // The grid's open cases include its micro-grids'.
        await Eventually.TrueAsync(
            async () => (await (await f.Operator.GetAsync($"/api/v1/territory/{f.Grid1}/open-cases")).AssertOkAsync()).GetProperty("items").EnumerateArray().Any(c => Id(c) == id),
            $"case {id} among grid {f.Grid1}'s open cases");

        // Escalated from the micro-grid, it goes to the community.
        Assert.Equal("community", (await f.ActAsync(f.Operator, id, "escalate")).GetProperty("handledAt").GetString());
    }

    [Fact]
    public async Task Dispatch_without_an_assignee_takes_the_grid_chief_and_without_one_is_400()
    {
        var id = await f.FiledAsync();
        Assert.Equal("gc-1", (await f.ActAsync(f.Operator, id, "dispatch", """{"note":"To the chief"}""")).GetProperty("assignee").GetString());

        var inGrid2 = await f.FiledAsync(dx: 0.15, dy: 0.05);
        await f.ActAsync(f.Operator, inGrid2, "dispatch", "{}", HttpStatusCode.BadRequest, "assignee");
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("w-2")] // staff of the sibling grid, not of the case's node or its ancestors
    [InlineData("department:nope")]
    [InlineData("department:Not A Code")]
    public async Task An_unknown_assignee_is_400_naming_assignee_and_changes_nothing(string assignee)
    {
        var id = await f.FiledAsync();
        await f.ActAsync(f.Operator, id, "dispatch", $$"""{"assignee":"{{assignee}}"}""", HttpStatusCode.BadRequest, "assignee");
        var now = await (await f.Operator.GetAsync($"/api/v1/cases/{id}")).AssertOkAsync();
        Assert.Equal(("filed", 2L), (now.GetProperty("state").GetString(), now.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Staff_of_an_ancestor_and_a_registered_department_are_assignees()
    {
        var id = await f.FiledAsync();
        Assert.Equal("w-c", (await f.ActAsync(f.Operator, id, "dispatch", """{"assignee":"w-c"}""")).GetProperty("assignee").GetString());
        await (await f.Operator.PutJsonAsync($"/api/v1/districts/{f.District}/departments/water", """{"name":"Water works","contact":"0898-6666 0001"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal("department:water", (await f.ActAsync(f.Operator, id, "dispatch", """{"assignee":"department:water"}""")).GetProperty("assignee").GetString());
    }

    [Fact]
    public async Task Departments_are_created_read_listed_changed_and_deleted()
    {
        var url = $"/api/v1/districts/{f.District}/departments";
        var created = await (await f.Operator.PutJsonAsync($"{url}/sanitation", """{"name":"Sanitation","contact":"+86 898 6666 0002"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(("sanitation", "Sanitation", "+86 898 6666 0002", "department:sanitation"), (
            created.GetProperty("code").GetString(), created.GetProperty("name").GetString(),
            created.GetProperty("contact").GetString(), created.GetProperty("assignee").GetString()));
        var changed = await (await f.Operator.PutJsonAsync($"{url}/sanitation", """{"name":"Sanitation bureau","contact":"0898-6666 0002"}""")).AssertOkAsync();
        Assert.Equal("Sanitation bureau", changed.GetProperty("name").GetString());
        Assert.Equal("Sanitation bureau", (await (await f.Supervisor.GetAsync($"{url}/sanitation")).AssertOkAsync()).GetProperty("name").GetString());
        Assert.Contains((await (await f.Supervisor.GetAsync(url)).AssertOkAsync()).GetProperty("items").EnumerateArray(), d => d.GetProperty("code").GetString() == "sanitation");

        await (await f.Operator.PutJsonAsync($"{url}/Bad Code", """{"name":"x","contact":"12345"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "code");
        await (await f.Operator.PutJsonAsync($"{url}/bad-contact", """{"name":"x","contact":"call Mr Li"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "contact");
        await (await f.Supervisor.PutJsonAsync($"{url}/cc", """{"name":"x","contact":"12345"}""")).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NoContent, (await f.Operator.DeleteAsync($"{url}/sanitation")).StatusCode);
        await (await f.Operator.DeleteAsync($"{url}/sanitation")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Operator.GetAsync($"{url}/sanitation")).AssertProblemAsync(HttpStatusCode.NotFound);
        var id = await f.FiledAsync();
        await f.ActAsync(f.Operator, id, "dispatch", """{"assignee":"department:sanitation"}""", HttpStatusCode.BadRequest, "assignee");
    }
}
