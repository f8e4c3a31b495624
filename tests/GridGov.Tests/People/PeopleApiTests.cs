using System.Net;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.People;

/// <summary>A district with a grid (whose staff includes grid worker w-7), a second grid, and a Party-building grid.</summary>
public sealed class PeopleFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();

    public string D { get; } = Fresh.District();

    public string Grid1 => $"{D}001001001";

    public string Grid2 => $"{D}001001002";

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        var (x, y) = Fresh.Origin(D);
        await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(D, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{D}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{D}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature(Grid2, "Grid 2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1))))).AssertOkAsync();
        await (await Operator.PutJsonAsync($"/api/v1/territory/{Grid1}", $$"""{"name":"Grid 1","staff":[{"id":"w-7","name":"王五","role":"gridWorker"}]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await Operator.PutJsonAsync($"/api/v1/territory/{Grid1}03", """{"name":"Building 3"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await Operator.PutJsonAsync($"/api/v1/party-grids/{D}-PG1", $$"""{"name":"PG","gridCodes":["{{Grid1}}","{{Grid2}}"]}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        Worker = Api.CreateClient(await Api.CreateKeyAsync(Roles.GridWorker, D, staffId: "w-7"));
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>A valid 18-character identity number (GB 11643 check digit) from 17 digits.</summary>
    public static string IdNumber(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }

    public string Household(string grid, string residentId, string idNumber, string extra = "") =>
        $$"""{"gridCode":"{{grid}}","building":"3","unit":"2","room":"501","tags":["rental"],"residents":[{"id":"{{residentId}}","name":"张三","gender":"male","birthYear":1948,"relation":"head","residenceType":"registered","idNumber":"{{idNumber}}","phone":"13912345678","careTags":["elderly-alone"]}]{{extra}}}""";
}

public sealed class PeopleApiTests(PeopleFixture f) : IClassFixture<PeopleFixture>
{
    private static int _serial;

    private static string Next() => Interlocked.Increment(ref _serial).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_household_keeps_identity_and_phone_numbers_masked_and_findable_by_hash()
    {
        var id = $"{f.D}-H{Next()}";
        var number = PeopleFixture.IdNumber($"{f.D}19480301{Next().PadLeft(3, '0')}");
        var response = await f.Operator.PutJsonAsync($"/api/v1/households/{id}", f.Household(f.Grid1, $"{f.D}-R{Next()}", number));
        var body = await response.Content.ReadAsStringAsync();
        var household = await response.AssertOkAsync(HttpStatusCode.Created);

        var resident = household.GetProperty("residents")[0];
        Assert.Equal(number[..4] + "**********" + number[^4..], resident.GetProperty("idNumberMasked").GetString());
        Assert.Equal("139****5678", resident.GetProperty("phoneMasked").GetString());
        Assert.DoesNotContain(number, body, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", body, StringComparison.Ordinal);

        var found = await (await f.Operator.PostJsonAsync("/api/v1/residents/search", $$"""{"idNumber":"{{number}}","district":"{{f.D}}"}""")).AssertOkAsync();
        Assert.Equal([id], found.GetProperty("householdIds").EnumerateArray().Select(h => h.GetString()!).ToArray());

        var read = await (await f.Operator.GetAsync($"/api/v1/households/{id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, read, StringComparison.Ordinal);

        var wrongCheck = number[..17] + (number[17] == '0' ? '1' : '0');
        await (await f.Operator.PostJsonAsync("/api/v1/residents/search", $$"""{"idNumber":"{{wrongCheck}}","district":"{{f.D}}"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "idNumber");
    }

    [Theory]
    [InlineData("460204194803011230", "residents[0].idNumber")]
    [InlineData("46020419480301123", "residents[0].idNumber")]
    public async Task A_wrong_identity_number_is_400_and_nothing_is_stored(string number, string field)
    {
        var id = $"{f.D}-H{Next()}";
        var wrongCheck = number.Length == 18 ? number[..17] + (PeopleFixture.IdNumber(number[..17])[17] == '0' ? '1' : '0') : number;
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{id}", f.Household(f.Grid1, $"{f.D}-R{Next()}", wrongCheck))).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        await (await f.Operator.GetAsync($"/api/v1/households/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Moves_of_households_and_residents_keep_history()
    {
        var a = $"{f.D}-H{Next()}";
        var b = $"{f.D}-H{Next()}";
        var resident = $"{f.D}-R{Next()}";
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{a}", f.Household(f.Grid1, resident, PeopleFixture.IdNumber($"{f.D}19500101{Next().PadLeft(3, '0')}")))).AssertOkAsync(HttpStatusCode.Created);
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{b}", $$"""{"gridCode":"{{f.Grid1}}","microGridCode":"{{f.Grid1}}03","building":"3","room":"502"}""")).AssertOkAsync(HttpStatusCode.Created);

        var moved = await (await f.Operator.PutJsonAsync($"/api/v1/households/{b}", $$"""{"gridCode":"{{f.Grid2}}","building":"9","room":"101"}""")).AssertOkAsync();
        Assert.Contains(moved.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString() == "moved" && h.GetProperty("to").GetString() == f.Grid2);

        var arrived = await (await f.Operator.PostJsonAsync($"/api/v1/households/{a}/residents/{resident}/move", $$"""{"toHousehold":"{{b}}"}""")).AssertOkAsync();
        Assert.Equal(resident, arrived.GetProperty("residents")[0].GetProperty("id").GetString());
        var left = await (await f.Operator.GetAsync($"/api/v1/households/{a}")).AssertOkAsync();
        Assert.Equal(0, left.GetProperty("residents").GetArrayLength());
        Assert.Contains(left.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString() == "resident-moved-out" && h.GetProperty("to").GetString() == b);
        Assert.Contains(arrived.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString() == "resident-moved-in" && h.GetProperty("from").GetString() == a);
    }

    [Fact]
    public async Task The_party_tree_is_committee_branch_group()
    {
        var n = Next();
        string Org(string kind, string? parent, string extra) =>
            $$"""{"kind":"{{kind}}","name":"{{kind}} {{n}}"{{(parent is null ? "" : $",\"parentId\":\"{parent}\"")}}{{extra}}}""";
        var committee = $"{f.D}-PO{n}1";
        var branch = $"{f.D}-PO{n}2";
        var group = $"{f.D}-PO{n}3";
        var pg = $""","partyGridId":"{f.D}-PG1" """;
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{committee}", Org("committee", null, pg))).AssertOkAsync(System.Net.HttpStatusCode.Created);
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{branch}", Org("branch", committee, pg))).AssertOkAsync(System.Net.HttpStatusCode.Created);
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{group}", Org("group", branch, $""","gridCode":"{f.Grid1}" """))).AssertOkAsync(System.Net.HttpStatusCode.Created);

        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{f.D}-PO{n}4", Org("branch", group, pg))).AssertProblemAsync(HttpStatusCode.BadRequest, "parentId");
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{f.D}-PO{n}5", Org("group", group, pg))).AssertProblemAsync(HttpStatusCode.BadRequest, "parentId");
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{f.D}-PO{n}6", Org("branch", committee, ""))).AssertProblemAsync(HttpStatusCode.BadRequest, "partyGridId");

        var parent = await (await f.Operator.GetAsync($"/api/v1/party-organizations/{committee}")).AssertOkAsync();
        Assert.Equal([branch], parent.GetProperty("children").EnumerateArray().Select(c => c.GetString()!).ToArray());

        // A member transferred between organizations keeps the transfer in their history.
        var member = $"{f.D}-M{n}";
        var joined = await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{member}", $$"""{"name":"李四","phone":"13800001111","status":"full","mobile":false,"joined":"2001-07-01","organizationId":"{{group}}"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        Assert.Equal("138****1111", joined.GetProperty("phoneMasked").GetString());
        var onGrid = await (await f.Operator.GetAsync($"/api/v1/party-grids/{f.D}-PG1/organizations")).AssertOkAsync();
        var onGridIds = onGrid.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToArray();
        Assert.Contains(committee, onGridIds);
        Assert.Contains(branch, onGridIds);
        Assert.Contains(group, onGridIds); // a group on one of the Party-building grid's comprehensive grids
        var gridMembers = await (await f.Operator.GetAsync($"/api/v1/party-grids/{f.D}-PG1/members")).AssertOkAsync();
        Assert.Contains(gridMembers.GetProperty("items").EnumerateArray(), m => m.GetProperty("id").GetString() == member);

        var moved = await (await f.Operator.PostJsonAsync($"/api/v1/party-members/{member}/transfer", $$"""{"organizationId":"{{branch}}","note":"moved to the branch"}""")).AssertOkAsync();
        Assert.Contains(moved.GetProperty("history").EnumerateArray(), h => h.GetProperty("from").GetString() == group && h.GetProperty("to").GetString() == branch);
    }

    [Fact]
    public async Task Racing_links_of_one_household_to_two_members_end_with_exactly_one_on_both_sides()
    {
        var n = Next();
        var organization = $"{f.D}-PO{n}";
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{organization}", $$"""{"kind":"branch","name":"Branch","partyGridId":"{{f.D}}-PG1"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        var members = new[] { $"{f.D}-M{n}a", $"{f.D}-M{n}b" };
        foreach (var m in members)
        {
            await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{m}", $$"""{"name":"M","status":"probationary","mobile":true,"joined":"2020-07-01","organizationId":"{{organization}}"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        }

        for (var round = 0; round < 5; round++)
        {
            var household = $"{f.D}-H{n}r{round}";
            await (await f.Operator.PutJsonAsync($"/api/v1/households/{household}", $$"""{"gridCode":"{{f.Grid1}}","building":"1","room":"{{round}}"}""")).AssertOkAsync(HttpStatusCode.Created);
            var statuses = await Task.WhenAll(members.Select(async m =>
                (await f.Operator.PostJsonAsync($"/api/v1/households/{household}/link", $$"""{"memberId":"{{m}}"}""")).StatusCode));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses.OrderBy(status => (int)status).ToArray());

            var linked = (await (await f.Operator.GetAsync($"/api/v1/households/{household}")).AssertOkAsync()).GetProperty("linkedMemberId").GetString();
            foreach (var m in members)
            {
                var keeps = (await (await f.Operator.GetAsync($"/api/v1/party-members/{m}")).AssertOkAsync()).GetProperty("households").EnumerateArray().Any(h => h.GetString() == household);
                Assert.Equal(m == linked, keeps);
            }

            await (await f.Operator.PostJsonAsync($"/api/v1/households/{household}/unlink", $$"""{"memberId":"{{linked}}"}""")).AssertOkAsync();
            Assert.DoesNotContain((await (await f.Operator.GetAsync($"/api/v1/party-members/{linked}")).AssertOkAsync()).GetProperty("households").EnumerateArray(), h => h.GetString() == household);
        }
    }

    [Fact]
    public async Task A_grid_worker_reaches_only_the_households_of_their_grid()
    {
        var mine = $"{f.D}-H{Next()}";
        var other = $"{f.D}-H{Next()}";
        await (await f.Worker.PutJsonAsync($"/api/v1/households/{mine}", $$"""{"gridCode":"{{f.Grid1}}","building":"5","room":"1","residents":[{"id":"{{f.D}}-R{{Next()}}","name":"赵六","gender":"female","birthYear":1940,"relation":"head","residenceType":"floating","careTags":["elderly-alone"]}]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await f.Worker.PutJsonAsync($"/api/v1/households/{other}", $$"""{"gridCode":"{{f.Grid2}}","building":"5","room":"1"}""")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{other}", $$"""{"gridCode":"{{f.Grid2}}","building":"5","room":"1"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await f.Worker.GetAsync($"/api/v1/households/{other}")).AssertProblemAsync(HttpStatusCode.NotFound);

        var list = await (await f.Worker.GetAsync($"/api/v1/territory/{f.Grid1}/households?careTag=elderly-alone")).AssertOkAsync();
        Assert.Contains(list.GetProperty("items").EnumerateArray(), h => h.GetProperty("id").GetString() == mine);
        Assert.All(list.GetProperty("items").EnumerateArray(), h => Assert.Equal(f.Grid1, h.GetProperty("gridCode").GetString()));
        await (await f.Worker.GetAsync($"/api/v1/territory/{f.Grid2}/households")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
