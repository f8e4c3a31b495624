using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.People;

/// <summary>Mobile Party members (流动党员): marked away with where they are, kept and listed by the home branch, back with history.</summary>
public sealed class MobileMemberTests(PeopleFixture f) : IClassFixture<PeopleFixture>
{
    private static int _serial;

    private static string Next() => Interlocked.Increment(ref _serial).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(string Branch, string[] Members)> BranchAsync(int members)
    {
        var n = Next();
        var branch = $"{f.D}-PO9{n}";
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{branch}", $$"""{"kind":"branch","name":"Branch {{n}}","partyGridId":"{{f.D}}-PG1"}""")).AssertOkAsync(HttpStatusCode.Created);
        var ids = Enumerable.Range(1, members).Select(i => $"{f.D}-M9{n}x{i}").ToArray();
        foreach (var id in ids)
        {
            await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{id}", $$"""{"name":"成员","status":"full","joined":"2005-07-01","organizationId":"{{branch}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        }

        return (branch, ids);
    }

    private static string[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();

    [Fact]
    public async Task A_mobile_member_stays_in_the_home_branch_which_lists_them_until_they_return()
    {
        var (branch, members) = await BranchAsync(3);
        var away = members[1];
        var marked = await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{away}/mobility",
            """{"city":"深圳市","holdingOrganization":"深圳市某科技公司党支部","since":"2024-03-01","contactPhone":"13900001234"}""")).AssertOkAsync();
        Assert.True(marked.GetProperty("mobile").GetBoolean());
        Assert.Equal(branch, marked.GetProperty("organizationId").GetString());
        var mobility = marked.GetProperty("mobility");
        Assert.Equal("深圳市", mobility.GetProperty("city").GetString());
        Assert.Equal("139****1234", mobility.GetProperty("contactPhoneMasked").GetString());
        Assert.DoesNotContain("13900001234", marked.GetRawText(), StringComparison.Ordinal);

        var listed = await (await f.Operator.GetAsync($"/api/v1/party-organizations/{branch}/mobile-members")).AssertOkAsync();
        Assert.Equal([away], Ids(listed));
        // The branch keeps every member, the mobile one included.
        var organization = await (await f.Operator.GetAsync($"/api/v1/party-organizations/{branch}")).AssertOkAsync();
        Assert.Equal(members.Order(StringComparer.Ordinal), organization.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal));

        var back = await (await f.Operator.PostJsonAsync($"/api/v1/party-members/{away}/return", """{"returnedOn":"2026-01-15","note":"回乡创业"}""")).AssertOkAsync();
        Assert.False(back.GetProperty("mobile").GetBoolean());
        Assert.Equal(JsonValueKind.Null, back.GetProperty("mobility").ValueKind);
        var history = back.GetProperty("history").EnumerateArray().Select(h => (What: h.GetProperty("what").GetString()!, From: h.GetProperty("from").GetString(), To: h.GetProperty("to").GetString())).ToArray();
        Assert.Contains(history, h => h.What == "went mobile" && h.To!.StartsWith("深圳市", StringComparison.Ordinal));
        Assert.Contains(history, h => h.What == "returned on 2026-01-15: 回乡创业" && h.From!.StartsWith("深圳市", StringComparison.Ordinal));
        Assert.Empty(Ids(await (await f.Operator.GetAsync($"/api/v1/party-organizations/{branch}/mobile-members")).AssertOkAsync()));
    }

    [Fact]
    public async Task Bad_mobility_is_a_400_naming_the_field_a_stale_version_412_and_a_member_at_home_cannot_return()
    {
        var (branch, members) = await BranchAsync(1);
        var member = members[0];
        await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{member}/mobility", """{"holdingOrganization":"x","since":"2024-03-01"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "city");
        await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{member}/mobility", """{"city":"广州市","holdingOrganization":"x","since":"1990-01-01"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "since");
        await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{member}/mobility", """{"city":"广州市","holdingOrganization":"x","since":"2024-03-01","contactPhone":"12"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "contactPhone");
        await (await f.Operator.PostJsonAsync($"/api/v1/party-members/{member}/return", """{"returnedOn":"2026-01-15"}""")).AssertProblemAsync(HttpStatusCode.Conflict);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/party-members/{member}/mobility")
        {
            Content = new StringContent("""{"city":"广州市","holdingOrganization":"x","since":"2024-03-01"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"99\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await f.Operator.SendAsync(stale)).StatusCode);
        // Nothing of the refused requests was written.
        var unchanged = await (await f.Operator.GetAsync($"/api/v1/party-members/{member}")).AssertOkAsync();
        Assert.False(unchanged.GetProperty("mobile").GetBoolean());
        Assert.Equal(1, unchanged.GetProperty("version").GetInt64());

        await (await f.Operator.GetAsync($"/api/v1/party-organizations/{f.D}-PO77777/mobile-members")).AssertProblemAsync(HttpStatusCode.NotFound);
        var other = f.Api.CreateClient(await f.Api.CreateKeyAsync("party-secretary", Fresh.District()));
        await (await other.GetAsync($"/api/v1/party-organizations/{branch}/mobile-members")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
