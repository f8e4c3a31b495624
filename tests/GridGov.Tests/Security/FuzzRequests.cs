using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridGov.Contracts.Cameras;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Decisions;
using GridGov.Contracts.People;
using GridGov.Contracts.Security;
using GridGov.Contracts.ServicePoints;
using GridGov.Contracts.Territory;

namespace GridGov.Tests.Security;

/// <summary>A path parameter's well-formed value, and the API's rule for well-formed values when the fuzzer knows it.</summary>
internal sealed record PathSeed(string Value, Func<string, bool>? IsWellFormed)
{
    /// <summary>True when a junk value (percent-encoded as sent) is malformed by the rule, either as sent or decoded.</summary>
    public bool Spoils(string junk) => IsWellFormed is { } rule && !rule(junk) && !rule(Uri.UnescapeDataString(junk));
}

/// <summary>One generated request. <see cref="Target"/> is the path and query exactly as sent (percent-encoding included).</summary>
internal sealed record FuzzCase(
    ApiOperation Operation,
    string Defect,
    string Target,
    byte[]? Body = null,
    string? ContentType = null,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null,
    bool Chunked = false)
{
    /// <summary>The request as a reader can replay it: method, target, headers and (an excerpt of) the body.</summary>
    public string Describe(string? apiKeyNote = null)
    {
        var text = new StringBuilder();
        text.Append(Operation.Method).Append(' ').Append(Excerpt(Target, 300));
        text.Append("   [").Append(Operation.Id).Append(": ").Append(Excerpt(Defect, 200)).Append(']');
        if (apiKeyNote is not null)
        {
            text.Append("\n      X-Api-Key: ").Append(apiKeyNote);
        }

        foreach (var (name, value) in Headers ?? [])
        {
            text.Append("\n      ").Append(name).Append(": ").Append(Excerpt(value, 200));
        }

        if (Body is not null)
        {
            text.Append("\n      Content-Type: ").Append(ContentType ?? "(none)");
            if (Chunked)
            {
                text.Append("\n      Transfer-Encoding: chunked");
            }

            text.Append("\n      body (").Append(Body.Length).Append(" bytes): ").Append(Printable(Body, 400));
        }

        return text.ToString();
    }

    public static string Excerpt(string text, int max) => text.Length <= max ? text : $"{text[..max]}…(+{text.Length - max} chars)";

    /// <summary>Bytes as text, with anything that is not printable ASCII as \xNN.</summary>
    public static string Printable(byte[] bytes, int max)
    {
        var text = new StringBuilder();
        foreach (var b in bytes.Take(max))
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return bytes.Length > max ? $"{text}…(+{bytes.Length - max} bytes)" : text.ToString();
    }
}

/// <summary>What came back for one request.</summary>
internal sealed record Answer(int Status, string? MediaType, string Body, bool TimedOut, Exception? Error, TimeSpan Elapsed)
{
    public string Describe() =>
        TimedOut ? $"no answer within the timeout ({Elapsed.TotalSeconds:F0} s)"
        : Error is not null ? $"transport error {Error.GetType().Name}: {Error.Message}{(Error.InnerException is { } inner ? $" ← {inner.GetType().Name}: {inner.Message}" : "")}"
        : $"{Status} {MediaType ?? "(no Content-Type)"} {FuzzCase.Excerpt(Body, 600)}";
}

/// <summary>
/// The entities the fuzzer aims at: a district seeded with a territory tree and a Party-building grid, and an API key
/// in another, untouched district. Path parameters get these values, and the valid bodies mutated point at them.
/// </summary>
internal sealed class FuzzTargets(
    string district, string grid, string gridBoundary, string partyGrid, string keyId, string untouched, PeopleSeeds people, FuzzWebhooks webhooks,
    TerritorySeeds? deletable = null)
{
    private static readonly Regex KeyIdFormat = new("^[0-9a-f]{16}$", RegexOptions.CultureInvariant);
    private static readonly Regex WebhookIdFormat = new("^[0-9]{6}-WH[0-9a-f]{12}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The value and (where known) the API's well-formedness rule of each path parameter. A parameter of a new
    /// endpoint gets a district code and no rule until it is added here; the fuzzer then spoils its path only
    /// together with its body (see <see cref="RequestGenerator.For"/>).
    /// </summary>
    public PathSeed SeedFor(ApiOperation op, ApiParameter parameter) => (parameter.Name, op.Path) switch
    {
        // Deleting a node or a Party-building grid takes an empty one of its own, so the others' requests still find theirs.
        ("code", "/api/v1/territory/{code}") when op.Method == "DELETE" && deletable is not null => new(deletable.Grid, TerritoryCode.IsValid),
        ("id", "/api/v1/party-grids/{id}") when op.Method == "DELETE" && deletable is not null => new(deletable.PartyGrid, PartyGridId.IsValid),
        ("code", var p) when p.StartsWith("/api/v1/territory/", StringComparison.Ordinal) => new(grid, TerritoryCode.IsValid),
        ("id", var p) when p.StartsWith("/api/v1/party-grids/", StringComparison.Ordinal) => new(partyGrid, PartyGridId.IsValid),
        ("id", var p) when p.StartsWith("/api/v1/api-keys/", StringComparison.Ordinal) => new(keyId, KeyIdFormat.IsMatch),
        ("id", var p) when p.StartsWith("/api/v1/households/{id}/residents/", StringComparison.Ordinal) => new(people.ResidentHousehold, id => PeopleIds.IsValid(id, "H")),
        ("residentId", _) => new(people.Resident, id => PeopleIds.IsValid(id, "R")),
        ("id", var p) when p.StartsWith("/api/v1/households/", StringComparison.Ordinal) => new(people.Household, id => PeopleIds.IsValid(id, "H")),
        ("id", var p) when p.StartsWith("/api/v1/party-organizations/", StringComparison.Ordinal) => new(people.Organization, id => PeopleIds.IsValid(id, "PO")),
        ("id", var p) when p.StartsWith("/api/v1/party-members/", StringComparison.Ordinal) => new(people.Member, id => PeopleIds.IsValid(id, "M")),
        ("district", var p) when p.StartsWith("/api/v1/districts/", StringComparison.Ordinal) =>
            new(district, d => TerritoryCode.IsValid(d) && TerritoryCode.LevelOf(d) == TerritoryLevel.District),
        // Deleting and replaying every dead letter take webhooks of their own, so that the other operations' valid
        // requests still find theirs (and its dead letter still dead).
        ("id", var p) when p.StartsWith("/api/v1/districts/{district}/webhooks/", StringComparison.Ordinal) => new(
            op.Method == "DELETE" ? webhooks.Deletable : p.EndsWith("/dead-letters/replay", StringComparison.Ordinal) ? webhooks.Spare : webhooks.WithDeadLetter,
            WebhookIdFormat.IsMatch),
        ("deliveryId", _) => new(webhooks.DeadLetter, d => Guid.TryParseExact(d, "D", out _)),
        ("code", var p) when p.StartsWith("/api/v1/districts/{district}/departments/", StringComparison.Ordinal) => new(op.Method == "DELETE" ? "fuzz-dept-del" : "fuzz-dept", Assignees.IsDepartmentCode),
        // A well-formed decision id that no decision has: each request is refused, and none changes anything.
        ("id", var p) when p.StartsWith("/api/v1/decisions/", StringComparison.Ordinal) => new($"{district}-D20260101FUZZ000000", DecisionIds.IsValid),
        ("step", var p) when p.StartsWith("/api/v1/decisions/", StringComparison.Ordinal) => new("proposal", step => DecisionSteps.Parse(step) is not null),
        // A well-formed enterprise id that no enterprise has (valid check digits): each request is refused, none changes anything.
        ("id", var p) when p.StartsWith("/api/v1/enterprises/", StringComparison.Ordinal) => new($"{district}-91460100MA5T0H1K9H", Contracts.Enterprises.EnterpriseIds.IsValid),
        // A well-formed camera code that no camera has: each request is refused, and none changes anything.
        ("code", var p) when p.StartsWith("/api/v1/cameras/", StringComparison.Ordinal) => new($"{district}00001320000000", CameraCodes.IsValid),
        // A well-formed police area code that no area has: each request is refused, and none changes anything.
        ("code", var p) when p.StartsWith("/api/v1/districts/{district}/police-areas/", StringComparison.Ordinal) => new("PFUZZ", Contracts.Police.PoliceAreaCode.IsValid),
        // A well-formed service point id that no point has, like the decisions'.
        ("id", "/api/v1/service-points/{id}") => new($"{district}-SPfuzz", ServicePointIds.IsValid),
        _ => new(district, null),
    };

    /// <summary>The operation's path with every parameter at its seed, or one of them replaced by an (already encoded) value.</summary>
    public string FillPath(ApiOperation op, string? name = null, string? raw = null)
    {
        var path = op.Path;
        foreach (var parameter in op.PathParameters)
        {
            var value = parameter.Name == name ? raw! : Uri.EscapeDataString(SeedFor(op, parameter).Value);
            path = path.Replace("{" + parameter.Name + "}", value, StringComparison.Ordinal);
        }

        return path;
    }

    /// <summary>
    /// A valid body for the operation, different from the seeded state and from every other operation's (so accepting
    /// it would be visible, and attributable), or for a schema the fuzzer does not know one built from the schema
    /// (whose mutations are still invalid).
    /// </summary>
    public JsonNode BaseBody(ApiOperation op, OpenApiModel model) => op.Body!.SchemaName switch
    {
        "TerritoryRequest" => JsonNode.Parse($$"""{"name":"{{Marker(op)}}","boundary":{{gridBoundary}},"staff":[{"id":"w-1","name":"Worker","role":"gridWorker","phone":"13812345678"}]}""")!,
        "PartyGridRequest" => JsonNode.Parse($$"""{"name":"{{Marker(op)}}","gridCodes":["{{grid}}"]}""")!,
        "ApiKeyRequest" => JsonNode.Parse($$"""{"name":"{{Marker(op)}}","role":"{{Roles.Viewer}}","scope":"{{untouched}}","expiresAt":null}""")!,
        "FeatureCollectionRequest" => JsonNode.Parse($$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"{{grid}}","name":"{{Marker(op)}}"},"geometry":{{gridBoundary}}}]}""")!,
        _ => Synthesize(model, op.Body.Schema, 0) ?? new JsonObject(),
    };

    /// <summary>
    /// True when the fuzzer knows a valid request for the operation: a valid body (when it takes one) and an entity
    /// for each path parameter. Only then must the valid request be accepted; for a new endpoint it is a schema-built
    /// guess until it is added here.
    /// </summary>
    public bool KnowsValidRequest(ApiOperation op) =>
        op.Body?.SchemaName is null or "TerritoryRequest" or "PartyGridRequest" or "ApiKeyRequest" or "FeatureCollectionRequest"
        && (op.Body is null || op.Body.SchemaName is not null)
        && op.PathParameters.All(p => SeedFor(op, p).IsWellFormed is not null)
        // The seeded decision, enterprise, camera, police area and service point ids name none: well-formed, so their
        // paths are fuzzed, but never a valid request.
        && !op.Path.StartsWith("/api/v1/decisions/", StringComparison.Ordinal)
        && !op.Path.StartsWith("/api/v1/enterprises/", StringComparison.Ordinal)
        && !op.Path.StartsWith("/api/v1/cameras/", StringComparison.Ordinal)
        && !op.Path.StartsWith("/api/v1/districts/{district}/police-areas/{code}", StringComparison.Ordinal)
        && op.Path != "/api/v1/service-points/{id}";

    /// <summary>The name the operation's valid body gives its entity: what a wrongly accepted request leaves behind.</summary>
    public static string Marker(ApiOperation op) => $"fuzz-accepted by {op.Id}";

    private static JsonNode? Synthesize(OpenApiModel model, JsonElement schema, int depth)
    {
        var shape = model.ShapeOf(schema);
        if (shape.IsAny || depth > 8)
        {
            return JsonValue.Create("x");
        }

        if (shape.Enum.Count > 0)
        {
            return JsonValue.Create(shape.Enum[0]);
        }

        if (shape.Kinds!.Contains(JsonKind.Object))
        {
            var obj = new JsonObject();
            foreach (var (name, property) in shape.Properties)
            {
                obj[name] = Synthesize(model, property, depth + 1);
            }

            return obj;
        }

        return shape.Kinds.Contains(JsonKind.Array) ? new JsonArray(shape.Items is { } items ? Synthesize(model, items, depth + 1) : null)
            : shape.Kinds.Contains(JsonKind.String) ? JsonValue.Create("x")
            : shape.Kinds.Contains(JsonKind.Integer) ? JsonValue.Create(1)
            : shape.Kinds.Contains(JsonKind.Number) ? JsonValue.Create(1.5)
            : shape.Kinds.Contains(JsonKind.Boolean) ? JsonValue.Create(true)
            : null;
    }
}

/// <summary>
/// The people the fuzzer aims at: a household; another with one resident (for the resident's paths, so deleting the
/// first leaves them be); a branch with nobody in it; a member of another branch.
/// </summary>
internal sealed record PeopleSeeds(string Household, string ResidentHousehold, string Resident, string Organization, string Member);

/// <summary>An empty grid and a Party-building grid nothing sits on (on a grid of its own), for the deletions.</summary>
internal sealed record TerritorySeeds(string Grid, string PartyGrid);
/// <summary>The fuzzer's webhooks: one its DELETE may remove, one to replay all of, and one with a dead letter for the others.</summary>
internal sealed record FuzzWebhooks(string Deletable, string Spare, string WithDeadLetter, string DeadLetter);
