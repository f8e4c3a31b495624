using System.Text.Json;
using System.Text.Json.Nodes;
using GridGov.Tests.Api;

namespace GridGov.Tests.Infrastructure;

/// <summary>
/// Puts staff on an existing territory node through the API, keeping its name and boundary: dispatch accepts only an
/// assignee that is staff of the case's node or an ancestor (or a registered department).
/// </summary>
public static class Staffing
{
    /// <summary>Adds each <c>(id, role)</c> (a StaffRole in camelCase, e.g. <c>gridWorker</c>) to the node's staff.</summary>
    public static async Task AddStaffAsync(this HttpClient client, string code, params (string Id, string Role)[] staff)
    {
        var node = await (await client.GetAsync($"/api/v1/territory/{code}")).AssertOkAsync();
        var members = new JsonArray();
        foreach (var m in node.GetProperty("staff").EnumerateArray())
        {
            members.Add(new JsonObject { ["id"] = m.GetProperty("id").GetString(), ["name"] = m.GetProperty("name").GetString(), ["role"] = m.GetProperty("role").GetString() });
        }

        foreach (var (id, role) in staff)
        {
            members.Add(new JsonObject { ["id"] = id, ["name"] = "Staff " + id, ["role"] = role });
        }

        var body = new JsonObject
        {
            ["name"] = node.GetProperty("name").GetString(),
            ["boundary"] = node.GetProperty("boundary").ValueKind == JsonValueKind.Null ? null : JsonNode.Parse(node.GetProperty("boundary").GetRawText()),
            ["staff"] = members,
        };
        await (await client.PutJsonAsync($"/api/v1/territory/{code}", body.ToJsonString())).AssertOkAsync();
    }
}
