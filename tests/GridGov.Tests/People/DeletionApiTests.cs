using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GridGov.Hosting.Storage;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.People;

/// <summary>DELETE of households, residents, Party organizations and Party members, through the API (Embedded mode, SQLite).</summary>
public sealed class DeletionApiTests(PeopleFixture f) : IClassFixture<PeopleFixture>
{
    private static int _serial;

    private static string Next() => Interlocked.Increment(ref _serial).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string PartyGrid => $"{f.D}-PG1";

    [Fact]
    public async Task Deleting_a_household_removes_it_everywhere_unlinks_its_member_and_keeps_its_history()
    {
        var n = Next();
        var household = $"{f.D}-H{n}del";
        var number = PeopleFixture.IdNumber($"{f.D}19480301{n.PadLeft(3, '0')}");
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{household}", f.Household(f.Grid1, $"{f.D}-R{n}del", number))).AssertOkAsync(HttpStatusCode.Created);
        var member = await MemberAsync($"{n}del", await BranchAsync(n));
        var linked = await (await f.Operator.PostJsonAsync($"/api/v1/households/{household}/link", $$"""{"memberId":"{{member}}"}""")).AssertOkAsync();
        var version = linked.GetProperty("version").GetInt64();
        Assert.Contains(household, await MemberHouseholdsAsync(member));
        Assert.Contains(household, await GridHouseholdsAsync("?careTag=elderly-alone"));

        // A stale If-Match changes nothing.
        await (await Delete($"/api/v1/households/{household}", version - 1)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await f.Operator.GetAsync($"/api/v1/households/{household}")).AssertOkAsync();

        using (var deleted = await Delete($"/api/v1/households/{household}", version))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await (await f.Operator.GetAsync($"/api/v1/households/{household}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Delete($"/api/v1/households/{household}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(household, await MemberHouseholdsAsync(member));
        Assert.DoesNotContain(household, await GridHouseholdsAsync(""));
        Assert.DoesNotContain(household, await GridHouseholdsAsync("?careTag=elderly-alone"));
        Assert.DoesNotContain(household, await CommunityHouseholdsAsync());
        Assert.Empty(await SearchAsync(number));

        // The archive keeps the history (with the unlink and the deletion), and no personal number.
        var record = await ArchivedAsync(household);
        var history = record.GetProperty("History").EnumerateArray().Select(h => h.GetProperty("What").GetString()!).ToArray();
        Assert.Equal(["registered", "resident-added", "member-linked", "member-unlinked", "deleted"], history);
        Assert.DoesNotContain(number[^4..], record.GetRawText(), StringComparison.Ordinal);

        // Registering it again (as a re-import would) starts afresh.
        var again = await (await f.Operator.PutJsonAsync($"/api/v1/households/{household}", f.Household(f.Grid1, $"{f.D}-R{n}del", number))).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(1, again.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, again.GetProperty("linkedMemberId").ValueKind);
        Assert.Equal([household], await SearchAsync(number));
    }

    [Fact]
    public async Task A_grid_worker_deletes_households_of_their_own_grid_only()
    {
        var n = Next();
        var mine = $"{f.D}-H{n}w1";
        var other = $"{f.D}-H{n}w2";
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{mine}", $$"""{"gridCode":"{{f.Grid1}}","building":"1","room":"1"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await f.Operator.PutJsonAsync($"/api/v1/households/{other}", $$"""{"gridCode":"{{f.Grid2}}","building":"1","room":"1"}""")).AssertOkAsync(HttpStatusCode.Created);

        await (await f.Worker.DeleteAsync($"/api/v1/households/{other}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.Operator.GetAsync($"/api/v1/households/{other}")).AssertOkAsync();
        using var deleted = await f.Worker.DeleteAsync($"/api/v1/households/{mine}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_resident_takes_them_out_of_the_household_and_the_search()
    {
        var n = Next();
        var household = $"{f.D}-H{n}res";
        var (first, second) = ($"{f.D}-R{n}a", $"{f.D}-R{n}b");
        var (firstNumber, secondNumber) = (PeopleFixture.IdNumber($"{f.D}19500101{n.PadLeft(3, '0')}"), PeopleFixture.IdNumber($"{f.D}19520101{n.PadLeft(3, '0')}"));
        var body = $$"""
            {"gridCode":"{{f.Grid1}}","building":"7","room":"3","residents":[
              {"id":"{{first}}","name":"甲","gender":"female","birthYear":1950,"relation":"head","residenceType":"registered","idNumber":"{{firstNumber}}","careTags":["disabled"]},
              {"id":"{{second}}","name":"乙","gender":"male","birthYear":1952,"relation":"spouse","residenceType":"registered","idNumber":"{{secondNumber}}"}]}
            """;
        var created = await (await f.Operator.PutJsonAsync($"/api/v1/households/{household}", body)).AssertOkAsync(HttpStatusCode.Created);
        var version = created.GetProperty("version").GetInt64();
        Assert.Contains(household, await GridHouseholdsAsync("?careTag=disabled"));

        await (await Delete($"/api/v1/households/{household}/residents/{first}", version + 1)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await Delete($"/api/v1/households/{household}/residents/not-a-resident")).AssertProblemAsync(HttpStatusCode.BadRequest, "residentId");
        await (await Delete($"/api/v1/households/{household}/residents/{f.D}-R{n}nobody")).AssertProblemAsync(HttpStatusCode.NotFound);

        using (var deleted = await Delete($"/api/v1/households/{household}/residents/{first}", version))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Equal($"\"{version + 1}\"", deleted.Headers.ETag?.Tag);
        }

        await (await Delete($"/api/v1/households/{household}/residents/{first}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var read = await (await f.Operator.GetAsync($"/api/v1/households/{household}")).AssertOkAsync();
        Assert.Equal([second], read.GetProperty("residents").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToArray());
        Assert.Contains(read.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString() == "resident-removed" && h.GetProperty("from").GetString() == first);
        Assert.Empty(await SearchAsync(firstNumber));
        Assert.Equal([household], await SearchAsync(secondNumber));
        Assert.DoesNotContain(household, await GridHouseholdsAsync("?careTag=disabled"));
    }

    [Fact]
    public async Task An_organization_with_children_or_members_is_not_deleted()
    {
        var n = Next();
        var committee = await OrganizationAsync($"{n}c", "committee", null);
        var branch = await OrganizationAsync($"{n}b", "branch", committee);
        var group = await OrganizationAsync($"{n}g", "group", branch, $""","gridCode":"{f.Grid1}" """);
        var member = await MemberAsync($"{n}g", group);

        var withChildren = await (await Delete($"/api/v1/party-organizations/{branch}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(group, withChildren.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var withMembers = await (await Delete($"/api/v1/party-organizations/{group}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(member, withMembers.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([member], await OrganizationListAsync(group, "members"));

        // Once the member is transferred, the group goes: out of its parent's children and the grid's list.
        await (await f.Operator.PostJsonAsync($"/api/v1/party-members/{member}/transfer", $$"""{"organizationId":"{{branch}}"}""")).AssertOkAsync();
        Assert.Empty(await OrganizationListAsync(group, "members"));
        Assert.Equal([member], await OrganizationListAsync(branch, "members"));
        var groupVersion = (await (await f.Operator.GetAsync($"/api/v1/party-organizations/{group}")).AssertOkAsync()).GetProperty("version").GetInt64();
        await (await Delete($"/api/v1/party-organizations/{group}", groupVersion + 1)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        using (var deleted = await Delete($"/api/v1/party-organizations/{group}", groupVersion))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await (await f.Operator.GetAsync($"/api/v1/party-organizations/{group}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Delete($"/api/v1/party-organizations/{group}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await OrganizationListAsync(branch, "children"));
        Assert.DoesNotContain(group, await PartyGridOrganizationsAsync());
        Assert.Contains(branch, await PartyGridOrganizationsAsync());

        // A deleted organization takes no new child or member.
        await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{f.D}-M{n}late", MemberBody(group))).AssertProblemAsync(HttpStatusCode.BadRequest, "organizationId");
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{f.D}-PO{n}late", $$"""{"kind":"group","name":"Late","parentId":"{{group}}","gridCode":"{{f.Grid1}}"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "parentId");
        await (await Delete($"/api/v1/party-organizations/{branch}")).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_new_child_or_member_leaves_the_parents_version_alone()
    {
        var n = Next();
        var committee = await OrganizationAsync($"{n}v", "committee", null);
        var branch = await OrganizationAsync($"{n}w", "branch", committee);
        await MemberAsync($"{n}v", committee);

        var read = await f.Operator.GetAsync($"/api/v1/party-organizations/{committee}");
        var parent = await read.AssertOkAsync();
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal([branch], parent.GetProperty("children").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.Single(parent.GetProperty("members").EnumerateArray());

        // The ETag from the committee's creation is still good for its next update.
        var renamed = await (await f.Operator.PutJsonAsync(
            $"/api/v1/party-organizations/{committee}",
            $$"""{"kind":"committee","name":"Renamed","partyGridId":"{{PartyGrid}}"}""",
            r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"")))).AssertOkAsync();
        Assert.Equal(2, renamed.GetProperty("version").GetInt64());
        Assert.Equal([branch], renamed.GetProperty("children").EnumerateArray().Select(c => c.GetString()!).ToArray());
    }

    [Fact]
    public async Task Deleting_a_member_unlinks_its_households_and_leaves_its_organization()
    {
        var n = Next();
        var branch = await BranchAsync(n);
        var member = await MemberAsync($"{n}m", branch);
        var households = Enumerable.Range(0, 3).Select(i => $"{f.D}-H{n}m{i}").ToArray();
        foreach (var h in households)
        {
            await (await f.Operator.PutJsonAsync($"/api/v1/households/{h}", $$"""{"gridCode":"{{f.Grid1}}","building":"2","room":"1"}""")).AssertOkAsync(HttpStatusCode.Created);
            await (await f.Operator.PostJsonAsync($"/api/v1/households/{h}/link", $$"""{"memberId":"{{member}}"}""")).AssertOkAsync();
        }

        var read = await f.Operator.GetAsync($"/api/v1/party-members/{member}");
        var version = (await read.AssertOkAsync()).GetProperty("version").GetInt64();
        Assert.Contains(member, await PartyGridMembersAsync());

        await (await Delete($"/api/v1/party-members/{member}", version - 1)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(households, await MemberHouseholdsAsync(member));
        using (var deleted = await Delete($"/api/v1/party-members/{member}", version))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await (await f.Operator.GetAsync($"/api/v1/party-members/{member}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Delete($"/api/v1/party-members/{member}")).AssertProblemAsync(HttpStatusCode.NotFound);
        foreach (var h in households)
        {
            var household = await (await f.Operator.GetAsync($"/api/v1/households/{h}")).AssertOkAsync();
            Assert.Equal(JsonValueKind.Null, household.GetProperty("linkedMemberId").ValueKind);
            Assert.Contains(household.GetProperty("history").EnumerateArray(), c => c.GetProperty("what").GetString() == "member-deleted" && c.GetProperty("from").GetString() == member);
        }

        Assert.DoesNotContain(member, await PartyGridMembersAsync());
        Assert.Empty(await OrganizationListAsync(branch, "members"));
        var archived = await ArchivedAsync(member);
        Assert.Equal(branch, archived.GetProperty("Place").GetString());
        Assert.Equal("deleted", archived.GetProperty("History").EnumerateArray().Last().GetProperty("What").GetString());

        // Nothing holds the branch any more.
        using var branchDeleted = await Delete($"/api/v1/party-organizations/{branch}");
        Assert.Equal(HttpStatusCode.NoContent, branchDeleted.StatusCode);
    }

    [Fact]
    public async Task A_member_deletion_racing_links_ends_consistent_on_both_sides()
    {
        var n = Next();
        var branch = await BranchAsync(n);
        for (var round = 0; round < 4; round++)
        {
            var member = await MemberAsync($"{n}race{round}", branch);
            var households = Enumerable.Range(0, 6).Select(i => $"{f.D}-H{n}r{round}x{i}").ToArray();
            foreach (var h in households)
            {
                await (await f.Operator.PutJsonAsync($"/api/v1/households/{h}", $$"""{"gridCode":"{{f.Grid1}}","building":"4","room":"{{round}}"}""")).AssertOkAsync(HttpStatusCode.Created);
            }

            // Half linked before, half racing the deletion.
            foreach (var h in households.Take(3))
            {
                await (await f.Operator.PostJsonAsync($"/api/v1/households/{h}/link", $$"""{"memberId":"{{member}}"}""")).AssertOkAsync();
            }

            var links = households.Skip(3).Select(h => f.Operator.PostJsonAsync($"/api/v1/households/{h}/link", $$"""{"memberId":"{{member}}"}""")).ToArray();
            var deletion = Delete($"/api/v1/party-members/{member}");
            Assert.Equal(HttpStatusCode.NoContent, (await deletion).StatusCode);
            foreach (var link in links)
            {
                using var answer = await link;
                Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"link: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }

            await (await f.Operator.GetAsync($"/api/v1/party-members/{member}")).AssertProblemAsync(HttpStatusCode.NotFound);
            foreach (var h in households)
            {
                var household = await (await f.Operator.GetAsync($"/api/v1/households/{h}")).AssertOkAsync();
                Assert.True(household.GetProperty("linkedMemberId").ValueKind == JsonValueKind.Null, $"{h} is still linked to the deleted member {member}: {household}");
            }

            Assert.DoesNotContain(member, await OrganizationListAsync(branch, "members"));
        }
    }

    [Fact]
    public async Task A_household_deletion_racing_a_link_ends_consistent_on_both_sides()
    {
        var n = Next();
        var member = await MemberAsync($"{n}hr", await BranchAsync(n));
        for (var round = 0; round < 6; round++)
        {
            var household = $"{f.D}-H{n}hr{round}";
            await (await f.Operator.PutJsonAsync($"/api/v1/households/{household}", $$"""{"gridCode":"{{f.Grid1}}","building":"5","room":"{{round}}"}""")).AssertOkAsync(HttpStatusCode.Created);
            var link = f.Operator.PostJsonAsync($"/api/v1/households/{household}/link", $$"""{"memberId":"{{member}}"}""");
            var deletion = Delete($"/api/v1/households/{household}");
            Assert.Equal(HttpStatusCode.NoContent, (await deletion).StatusCode);
            using (var answer = await link)
            {
                Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"link: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }

            await (await f.Operator.GetAsync($"/api/v1/households/{household}")).AssertProblemAsync(HttpStatusCode.NotFound);
            Assert.DoesNotContain(household, await MemberHouseholdsAsync(member));
        }
    }

    [Fact]
    public async Task A_member_registered_while_its_organization_is_deleted_ends_on_one_side_only()
    {
        var n = Next();
        for (var round = 0; round < 6; round++)
        {
            var branch = await BranchAsync($"{n}o{round}");
            var member = $"{f.D}-M{n}o{round}";
            var registration = f.Operator.PutJsonAsync($"/api/v1/party-members/{member}", MemberBody(branch));
            var deletion = Delete($"/api/v1/party-organizations/{branch}");
            using var registered = await registration;
            using var deleted = await deletion;
            if (registered.StatusCode == HttpStatusCode.Created)
            {
                // The member got in first: the organization refused to go.
                Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
                Assert.Equal([member], await OrganizationListAsync(branch, "members"));
            }
            else
            {
                Assert.Equal(HttpStatusCode.BadRequest, registered.StatusCode);
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
                await (await f.Operator.GetAsync($"/api/v1/party-members/{member}")).AssertProblemAsync(HttpStatusCode.NotFound);
            }
        }
    }

    private Task<HttpResponseMessage> Delete(string url, long? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, url);
        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        return f.Operator.SendAsync(request);
    }

    private string MemberBody(string organization) =>
        $$"""{"name":"党员","status":"full","mobile":false,"joined":"2005-07-01","organizationId":"{{organization}}"}""";

    private async Task<string> MemberAsync(string n, string organization)
    {
        var id = $"{f.D}-M{n}";
        await (await f.Operator.PutJsonAsync($"/api/v1/party-members/{id}", MemberBody(organization))).AssertOkAsync(HttpStatusCode.Created);
        return id;
    }

    private Task<string> BranchAsync(string n) => OrganizationAsync($"{n}br", "branch", null);

    private async Task<string> OrganizationAsync(string n, string kind, string? parent, string? attachment = null)
    {
        var id = $"{f.D}-PO{n}";
        var parentJson = parent is null ? "" : $",\"parentId\":\"{parent}\"";
        var body = $$"""{"kind":"{{kind}}","name":"{{kind}} {{n}}"{{parentJson}}{{attachment ?? $",\"partyGridId\":\"{PartyGrid}\""}}}""";
        await (await f.Operator.PutJsonAsync($"/api/v1/party-organizations/{id}", body)).AssertOkAsync(HttpStatusCode.Created);
        return id;
    }

    private async Task<string[]> OrganizationListAsync(string organization, string list) =>
        (await (await f.Operator.GetAsync($"/api/v1/party-organizations/{organization}")).AssertOkAsync())
            .GetProperty(list).EnumerateArray().Select(m => m.GetString()!).ToArray();

    private async Task<string[]> MemberHouseholdsAsync(string member) =>
        (await (await f.Operator.GetAsync($"/api/v1/party-members/{member}")).AssertOkAsync())
            .GetProperty("households").EnumerateArray().Select(h => h.GetString()!).ToArray();

    private Task<string[]> GridHouseholdsAsync(string query) => Ids($"/api/v1/territory/{f.Grid1}/households{(query.Length == 0 ? "?" : query + "&")}limit=500");

    private Task<string[]> CommunityHouseholdsAsync() => Ids($"/api/v1/territory/{f.D}001001/households?limit=500");

    private Task<string[]> PartyGridOrganizationsAsync() => Ids($"/api/v1/party-grids/{PartyGrid}/organizations");

    private Task<string[]> PartyGridMembersAsync() => Ids($"/api/v1/party-grids/{PartyGrid}/members?limit=500");

    private async Task<string[]> Ids(string url) =>
        (await (await f.Operator.GetAsync(url)).AssertOkAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();

    private async Task<string[]> SearchAsync(string idNumber) =>
        (await (await f.Operator.PostJsonAsync("/api/v1/residents/search", $$"""{"idNumber":"{{idNumber}}","district":"{{f.D}}"}""")).AssertOkAsync())
            .GetProperty("householdIds").EnumerateArray().Select(h => h.GetString()!).ToArray();

    /// <summary>The one archive row of a deleted entry, from the embedded database.</summary>
    private async Task<JsonElement> ArchivedAsync(string id)
    {
        await using var connection = SchemaMigrator.CreateConnection(
            DatabaseKind.Sqlite, SchemaMigrator.SqliteConnectionString(Path.Combine(f.Api.DataFolder, "gridgov.db")));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM gridgov_people_archive WHERE entity_id = @id";
        command.AddParameter("id", id);
        var records = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                records.Add(reader.GetString(0));
            }
        }

        return JsonDocument.Parse(Assert.Single(records)).RootElement;
    }
}
