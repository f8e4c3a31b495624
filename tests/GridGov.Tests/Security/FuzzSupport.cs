using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridGov.Contracts.People;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridGov.Tests.Security;

/// <summary>The JSON kinds a schema can allow.</summary>
internal enum JsonKind
{
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

/// <summary>
/// What a schema allows, as far as the fuzzer needs to know. <see cref="Kinds"/> is null for a schema that allows any
/// JSON value (JsonElement's <c>{}</c>).
/// </summary>
internal sealed record Shape(
    IReadOnlySet<JsonKind>? Kinds,
    IReadOnlyList<string> Enum,
    int? MaxLength,
    string? Pattern,
    IReadOnlyDictionary<string, JsonElement> Properties,
    IReadOnlySet<string> Required,
    bool Closed,
    JsonElement? Items)
{
    public bool IsAny => Kinds is null;

    public bool Allows(JsonKind kind) =>
        Kinds is null || Kinds.Contains(kind) || (kind == JsonKind.Integer && Kinds.Contains(JsonKind.Number));
}

internal sealed record ApiParameter(string Name, string In, bool Required, JsonElement Schema);

internal sealed record ApiBody(IReadOnlyList<string> ContentTypes, JsonElement Schema, bool Required)
{
    public string? SchemaName =>
        Schema.ValueKind == JsonValueKind.Object && Schema.TryGetProperty("$ref", out var reference)
            ? reference.GetString()!.Split('/')[^1]
            : null;
}

/// <summary>One operation of the OpenAPI document.</summary>
internal sealed record ApiOperation(
    string Method, string Path, string Id, IReadOnlyList<ApiParameter> Parameters, ApiBody? Body, IReadOnlySet<string> Responses)
{
    /// <summary>GET and HEAD change nothing by definition, so any request to them may be sent.</summary>
    public bool IsSafe => Method is "GET" or "HEAD";

    public IEnumerable<ApiParameter> PathParameters => Parameters.Where(p => p.In == "path");

    public IEnumerable<ApiParameter> QueryParameters => Parameters.Where(p => p.In == "query");

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>The served OpenAPI document: its operations, with <c>$ref</c>s resolved and schemas reduced to <see cref="Shape"/>s.</summary>
internal sealed class OpenApiModel
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly JsonElement _root;

    public OpenApiModel(string json)
    {
        using var document = JsonDocument.Parse(json);
        _root = document.RootElement.Clone();
        Operations = ReadOperations();
    }

    public IReadOnlyList<ApiOperation> Operations { get; }

    public JsonElement Resolve(JsonElement element)
    {
        for (var hops = 0; element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference); hops++)
        {
            if (hops == 32)
            {
                throw new InvalidOperationException($"A $ref cycle at {reference}.");
            }

            var pointer = reference.GetString()!;
            if (!pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Only local $refs are supported, not {pointer}.");
            }

            element = _root;
            foreach (var part in pointer[2..].Split('/'))
            {
                element = element.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
        }

        return element;
    }

    public Shape ShapeOf(JsonElement schema)
    {
        var builder = new ShapeBuilder();
        Collect(schema, builder, 0);
        return builder.Build();
    }

    private void Collect(JsonElement schema, ShapeBuilder b, int depth)
    {
        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object || depth > 16)
        {
            b.Any = true;
            return;
        }

        var constrained = false;
        var hasType = schema.TryGetProperty("type", out var type);
        if (hasType)
        {
            constrained = true;
            foreach (var t in type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().ToArray() : [type])
            {
                b.Kinds.Add(KindOf(t.GetString()!));
            }
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            constrained = true;
            foreach (var value in values.EnumerateArray())
            {
                b.Enum.Add(value.ToString());
                if (!hasType)
                {
                    b.Kinds.Add(KindOf(value.ValueKind));
                }
            }
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var subs))
            {
                constrained = true;
                foreach (var sub in subs.EnumerateArray())
                {
                    Collect(sub, b, depth + 1);
                }
            }
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            if (!hasType)
            {
                b.Kinds.Add(JsonKind.Object);
            }

            constrained = true;
            foreach (var property in properties.EnumerateObject())
            {
                b.Properties[property.Name] = property.Value;
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                b.Required.Add(name.GetString()!);
            }
        }

        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
        {
            b.Closed = true;
        }

        if (schema.TryGetProperty("items", out var items))
        {
            if (!hasType)
            {
                b.Kinds.Add(JsonKind.Array);
            }

            constrained = true;
            b.Items = items;
        }

        if (schema.TryGetProperty("maxLength", out var maxLength))
        {
            b.MaxLength = Math.Min(b.MaxLength ?? int.MaxValue, maxLength.GetInt32());
        }

        if (schema.TryGetProperty("pattern", out var pattern))
        {
            b.Pattern = pattern.GetString();
        }

        if (!constrained)
        {
            b.Any = true;
        }
    }

    private static JsonKind KindOf(string type) => type switch
    {
        "null" => JsonKind.Null,
        "boolean" => JsonKind.Boolean,
        "integer" => JsonKind.Integer,
        "number" => JsonKind.Number,
        "string" => JsonKind.String,
        "array" => JsonKind.Array,
        "object" => JsonKind.Object,
        _ => throw new InvalidOperationException($"Unknown JSON Schema type '{type}'."),
    };

    private static JsonKind KindOf(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => JsonKind.Null,
        JsonValueKind.True or JsonValueKind.False => JsonKind.Boolean,
        JsonValueKind.Number => JsonKind.Number,
        JsonValueKind.String => JsonKind.String,
        JsonValueKind.Array => JsonKind.Array,
        _ => JsonKind.Object,
    };

    private List<ApiOperation> ReadOperations()
    {
        var operations = new List<ApiOperation>();
        foreach (var path in _root.GetProperty("paths").EnumerateObject())
        {
            var item = Resolve(path.Value);
            JsonElement[] shared = item.TryGetProperty("parameters", out var sharedParameters) ? [.. sharedParameters.EnumerateArray()] : [];
            foreach (var method in item.EnumerateObject().Where(m => Methods.Contains(m.Name)))
            {
                var operation = method.Value;
                JsonElement[] own = operation.TryGetProperty("parameters", out var ownParameters) ? [.. ownParameters.EnumerateArray()] : [];
                var parameters = shared.Concat(own).Select(Resolve)
                    .Select(p => new ApiParameter(
                        p.GetProperty("name").GetString()!,
                        p.GetProperty("in").GetString()!,
                        p.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True,
                        p.TryGetProperty("schema", out var s) ? s : default))
                    .GroupBy(p => (p.Name, p.In))
                    .Select(g => g.Last())
                    .ToArray();

                ApiBody? body = null;
                if (operation.TryGetProperty("requestBody", out var requestBody))
                {
                    requestBody = Resolve(requestBody);
                    var content = requestBody.TryGetProperty("content", out var c) ? c.EnumerateObject().ToArray() : [];
                    body = new ApiBody(
                        content.Select(x => x.Name).ToArray(),
                        content.Select(x => x.Value.TryGetProperty("schema", out var s) ? s : default).FirstOrDefault(),
                        requestBody.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True);
                }

                var responses = operation.TryGetProperty("responses", out var rs)
                    ? rs.EnumerateObject().Select(x => x.Name).ToHashSet(StringComparer.Ordinal)
                    : [];
                var id = operation.TryGetProperty("operationId", out var operationId) ? operationId.GetString()! : $"{method.Name} {path.Name}";
                operations.Add(new ApiOperation(method.Name.ToUpperInvariant(), path.Name, id, parameters, body, responses));
            }
        }

        return operations;
    }

    private sealed class ShapeBuilder
    {
        public bool Any { get; set; }

        public HashSet<JsonKind> Kinds { get; } = [];

        public List<string> Enum { get; } = [];

        public int? MaxLength { get; set; }

        public string? Pattern { get; set; }

        public Dictionary<string, JsonElement> Properties { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Required { get; } = new(StringComparer.Ordinal);

        public bool Closed { get; set; }

        public JsonElement? Items { get; set; }

        public Shape Build() => new(Any ? null : Kinds, Enum, MaxLength, Pattern, Properties, Required, Closed, Items);
    }
}

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
/// Generates malformed requests for one operation from its OpenAPI description. Every request it makes for an
/// operation that is not safe (not GET/HEAD) carries at least one defect the API must refuse, so none of them may
/// change state; see <see cref="For"/>.
/// </summary>
internal sealed class RequestGenerator(OpenApiModel model, FuzzTargets targets, Random random)
{
    /// <summary>Just over <c>ApiSetup.MaxRequestBodyBytes</c>.</summary>
    public const int OversizedBodyBytes = 32 * 1024 * 1024 + 1;

    private const string RawMarker = "__fuzz_raw_5f0c9e__";

    /// <summary>No JSON text starts with any of these bytes (after an optional UTF-8 byte order mark, 0xEF).</summary>
    private static readonly byte[] NotJsonStart = [0x00, 0x01, 0x7F, 0x80, 0xC0, 0xFE, 0xFF, (byte)'<', (byte)'#', (byte)'%', (byte)'}', (byte)']', (byte)':', (byte)',', (byte)'x'];

    /// <summary>Content types for random bodies, which are invalid whatever the type says.</summary>
    private static readonly string?[] AnyContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=x-fuzz",
        "application/json; charset=", "application/json;;", "application/geo+json", "application/problem+json", "text/json",
        "text/plain", "application/octet-stream", "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz",
        "multipart/form-data", "application/xml", "*/*", "application/", "garbage", "", null,
    ];

    /// <summary>Plainly not JSON: a body sent as one of these is refused even when the bytes are valid JSON.</summary>
    private static readonly string?[] ForeignContentTypes =
        ["text/plain", "application/octet-stream", "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "application/xml", null];

    /// <summary>Values that are not valid JSON at all.</summary>
    private static readonly string[] BadTokens =
        ["NaN", "-Infinity", "01", "+1", ".5", "0x1F", "'single'", "undefined", "tru", "\"unterminated", "{\"a\":}", "[1,]", "\"a\\x\"", "\"a\u0001b\""];

    /// <summary>
    /// Strings that are not Unicode text: unpaired surrogate escapes (I-JSON, RFC 7493 §2.1) and invalid UTF-8
    /// (RFC 8259 §8.1: JSON text is UTF-8) — a lone and a reversed surrogate, a bad continuation, an encoded
    /// surrogate, an overlong '/', a truncated sequence.
    /// </summary>
    private static readonly byte[][] BadStrings =
    [
        Encoding.ASCII.GetBytes("\"\\ud800\""),
        Encoding.ASCII.GetBytes("\"\\udc00\\ud800\""),
        [0x22, 0xC3, 0x28, 0x22],
        [0x22, 0xED, 0xA0, 0x80, 0x22],
        [0x22, 0xC0, 0xAF, 0x22],
        [0x22, 0x61, 0xE4, 0xB8, 0x22],
    ];

    /// <summary>
    /// GeoJSON geometries that are not a valid Polygon or MultiPolygon (RFC 7946 §3.1.6, OGC simple features): wrong
    /// JSON kinds and types, missing or null members, rings with fewer than four positions or not closed, a bow tie,
    /// a hole outside its shell, positions out of range, not numbers or one-dimensional, nesting deeper than any
    /// geometry.
    /// </summary>
    private static readonly string[] BadGeometries =
    [
        "\"Polygon\"", "42", "[]", "{}", "{\"type\":\"Polygon\"}", "{\"type\":\"Polygon\",\"coordinates\":null}",
        "{\"type\":\"Polygon\",\"coordinates\":[]}", "{\"type\":\"Polygon\",\"coordinates\":[[]]}", "{\"type\":\"Polygon\",\"coordinates\":[[[]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[1]]]}", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1]]]}", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,0],[200,95],[0,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[\"a\",\"b\"],[\"c\",\"d\"],[\"e\",\"f\"],[\"a\",\"b\"]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[1e400,0],[1,0],[1,1],[1e400,0]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[5,5],[6,5],[6,6],[5,6],[5,5]]]}",
        "{\"type\":\"Polygon\",\"coordinates\":" + new string('[', 24) + "0" + new string(']', 24) + "}",
        "{\"type\":\"Point\",\"coordinates\":[0,0]}", "{\"type\":\"GeometryCollection\",\"geometries\":[]}", "{\"type\":\"GeometryCollection\"}",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[]]]}", "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1]]]]}",
        "{\"type\":\"Feature\",\"geometry\":null,\"properties\":null}", "{\"type\":\"Polygonx\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":null,\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", "{\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
    ];

    /// <summary>Names no schema property matches, even case-insensitively.</summary>
    private static readonly string[] UnknownNames = ["fuzzUnknown", "", "__proto__", "$type", "$id", "constructor", "n\u0430me", "name ", new string('k', 2048)];

    /// <summary>
    /// Entity tags of the wrong shape: unquoted, weak, not a number, negative, overflowing, lists, unbalanced. (Not
    /// <c>*</c>, nor what parses as a number such as <c>"+1"</c> or <c>"01"</c>: those are well-formed.)
    /// </summary>
    private static readonly string[] BadIfMatch =
        ["1", "W/\"1\"", "\"abc\"", "\"1", "1\"", "\"\"", "\"-1\"", "\"1\", \"2\"", "\"1\" \"2\"", "\"99999999999999999999\"", "\"1.0\"", "\"0x1\"", "*, \"1\"", "\"" + new string('9', 4000) + "\"", "W/", "\"1\"; x"];

    private static readonly string[] NumericQueryJunk =
        ["abc", "1.5", "", "1e999", "99999999999999999999", "NaN", "Infinity", "-", "0x1F", "%EF%BC%91", "1,2", "%201", "%00", "1%00", "%FF", "-0", "true", "%5B%5D", new string('9', 3000)];

    private static readonly string[] TextQueryJunk =
        ["", "%00", "%FF%FE", "'%20OR%20'1'%3D'1", "..%2F..%2F", "%E2%80%AE", "null", "*", "%5B%5D", "%7B%7D", "%0D%0ASet-Cookie:%20x=1", "a%26b%3Dc", "-1", "99999999999999999999", "%ZZ", new string('z', 3000)];

    private readonly List<string> _notes = [];

    /// <summary>Operations or parameters the fuzzer could not spoil safely, for the test output.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The request the mutations start from: seeded path values, the valid body, the document's first media type.</summary>
    public FuzzCase Valid(ApiOperation op) => new(
        op,
        "valid request",
        targets.FillPath(op),
        op.Body is null ? null : Encoding.UTF8.GetBytes(targets.BaseBody(op, model).ToJsonString()),
        op.Body?.ContentTypes.FirstOrDefault());

    /// <summary>
    /// The malformed requests for one operation. The path, query and body are valid except for the one defect each
    /// request is about, so each gets as deep into the API as that defect allows. For an operation that is not safe,
    /// a request is only generated when the defect alone makes it invalid:
    /// <list type="bullet">
    /// <item>a path parameter that breaks the API's own rule for it (<see cref="PathSeed.IsWellFormed"/>), or any junk
    /// together with an unreadable body when the fuzzer knows no rule for the parameter;</item>
    /// <item>a body that is not JSON, is cut short, nests 200 deep, is empty, is over the 32 MiB limit, or comes in a
    /// media type the document does not list;</item>
    /// <item>a member of a JSON kind its schema excludes, null where the schema excludes null, a required non-nullable
    /// member left out (nullable ones the document lists as required are optional in practice: the API's own tests
    /// omit expiresAt), a value outside its enum or pattern, an unknown member where the schema says
    /// <c>additionalProperties: false</c>, a token that is not JSON, a string that is not Unicode, or 200 KB in a
    /// string (every string this API takes is a name with a maxLength, or a code, role, scope, enum value or timestamp
    /// far shorter than that — a future free-text member without a maxLength would show up here, and needs one);</item>
    /// <item>a free-form member holding a GeoJSON geometry in the valid body replaced by an invalid geometry;</item>
    /// <item>an If-Match of the wrong shape, only where the operation documents 412 (so it reads If-Match).</item>
    /// </list>
    /// The valid bodies the defects are put into (<see cref="FuzzTargets.BaseBody"/>) differ from the seeded state, so
    /// a request that was wrongly accepted shows up as a changed snapshot.
    /// </summary>
    public List<FuzzCase> For(ApiOperation op)
    {
        var cases = new List<FuzzCase>();
        var url = targets.FillPath(op);
        var baseNode = op.Body is null ? null : targets.BaseBody(op, model);
        var baseBytes = baseNode is null ? null : Encoding.UTF8.GetBytes(baseNode.ToJsonString());
        var jsonType = op.Body?.ContentTypes.FirstOrDefault(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)) ?? "application/json";
        var bodyType = op.Body is null ? null : jsonType;

        // Path parameters.
        foreach (var parameter in op.PathParameters)
        {
            var seed = targets.SeedFor(op, parameter);
            foreach (var junk in PathJunk(seed.Value))
            {
                var target = targets.FillPath(op, parameter.Name, junk);
                if (op.IsSafe || seed.Spoils(junk))
                {
                    cases.Add(new(op, $"path {parameter.Name} = {junk}", target, baseBytes, bodyType));
                }
                else if (seed.IsWellFormed is null && op.Body is not null)
                {
                    cases.Add(new(op, $"path {parameter.Name} = {junk}, and a body that is not JSON", target, RandomBytes(), jsonType));
                }
            }

            if (seed.IsWellFormed is null && !op.IsSafe && op.Body is null)
            {
                _notes.Add($"{op}: no rule is known for path parameter '{parameter.Name}' and there is no body to spoil, so its path is not fuzzed (add it to FuzzTargets.SeedFor).");
            }
        }

        // Query parameters: only GET has any today; elsewhere they travel with an unreadable body.
        foreach (var parameter in op.QueryParameters)
        {
            var shape = model.ShapeOf(parameter.Schema);
            var numeric = !shape.IsAny && (shape.Allows(JsonKind.Integer) || shape.Allows(JsonKind.Number));
            var fragments = Pick(numeric ? NumericQueryJunk : TextQueryJunk, 9).Select(v => $"{parameter.Name}={v}")
                .Concat([$"{parameter.Name}=1&{parameter.Name}=2", $"{parameter.Name}[]=1", parameter.Name, $"{parameter.Name}=%"]);
            foreach (var fragment in fragments)
            {
                if (op.IsSafe)
                {
                    cases.Add(new(op, $"query {fragment}", $"{url}?{fragment}", baseBytes, bodyType));
                }
                else if (op.Body is not null)
                {
                    cases.Add(new(op, $"query {fragment}, and a body that is not JSON", $"{url}?{fragment}", RandomBytes(), jsonType));
                }
            }
        }

        if (op.IsSafe && op.QueryParameters.Any())
        {
            cases.Add(new(op, "query of junk", $"{url}?%ZZ&&=1&%00=%00"));
        }

        // Bodies. An operation without one does not read it: junk there only spoils a safe request or a bad path.
        var spoilable = op.PathParameters.Select(p => (Parameter: p, Seed: targets.SeedFor(op, p))).FirstOrDefault(x => x.Seed.IsWellFormed is not null);
        if (op.Body is not null)
        {
            cases.AddRange(BodyCases(op, url, baseNode!, baseBytes!, jsonType));
        }
        else if (op.IsSafe)
        {
            cases.Add(new(op, "a body that is not JSON, on an operation without one", url, RandomBytes(), "application/json"));
            cases.Add(new(op, "a body that is not JSON, on an operation without one", url, RandomBytes(), Pick(AnyContentTypes, 1)[0]));
        }
        else if (spoilable.Seed is not null)
        {
            for (var i = 0; i < 2; i++)
            {
                var value = SpoiledValue(spoilable.Seed);
                cases.Add(new(op, $"path {spoilable.Parameter.Name} = {value}, with a body that is not JSON", targets.FillPath(op, spoilable.Parameter.Name, value), RandomBytes(), Pick(AnyContentTypes, 1)[0]));
            }
        }

        // If-Match.
        if (op.IsSafe || op.Responses.Contains("412"))
        {
            foreach (var tag in Pick(BadIfMatch, op.IsSafe ? 3 : BadIfMatch.Length))
            {
                cases.Add(new(op, $"If-Match: {tag}", url, baseBytes, bodyType, [new("If-Match", tag)]));
            }
        }
        else if (spoilable.Seed is not null)
        {
            foreach (var tag in Pick(BadIfMatch, 2))
            {
                var value = SpoiledValue(spoilable.Seed);
                cases.Add(new(op, $"path {spoilable.Parameter.Name} = {value}, with If-Match: {tag}", targets.FillPath(op, spoilable.Parameter.Name, value), baseBytes, bodyType, [new("If-Match", tag)]));
            }
        }

        return cases;
    }

    /// <summary>
    /// At most <paramref name="budget"/> of an operation's requests, taken round-robin across the kinds of defect
    /// (<see cref="Stratum"/>): small kinds are kept whole, large ones are cut to the same size, and every parameter
    /// and member keeps some.
    /// </summary>
    public List<FuzzCase> Bound(List<FuzzCase> cases, int budget)
    {
        if (cases.Count <= budget)
        {
            return cases;
        }

        // Parameters' strata go first in each round, so every parameter is fuzzed however small the budget.
        var strata = cases.GroupBy(c => Stratum(c.Defect))
            .Select(g => (IsParameter: g.Key.StartsWith("path ", StringComparison.Ordinal) || g.Key.StartsWith("query ", StringComparison.Ordinal),
                Queue: new Queue<FuzzCase>(g.OrderBy(_ => random.Next()))))
            .OrderBy(s => s.IsParameter ? 0 : 1)
            .ThenBy(_ => random.Next())
            .Select(s => s.Queue)
            .ToList();
        var kept = new List<FuzzCase>(budget);
        while (kept.Count < budget)
        {
            foreach (var stratum in strata)
            {
                if (kept.Count < budget && stratum.TryDequeue(out var c))
                {
                    kept.Add(c);
                }
            }
        }

        return kept;
    }

    /// <summary>
    /// The kind of a defect: the path or query parameter it is about, the body member and the kind of mutation (a
    /// wrong JSON kind, null, left out, 200 KB, not Unicode, unknown member, bad geometry, nesting, not JSON…), or the
    /// body-level mutation.
    /// </summary>
    public static string Stratum(string defect)
    {
        var words = defect.Split(' ');
        if (words[0] is "path" or "query" && words.Length > 1)
        {
            return $"{words[0]} {words[1].Split('=')[0]}";
        }

        var colon = defect.IndexOf(':', StringComparison.Ordinal);
        if (defect.StartsWith('$') && colon > 0)
        {
            var mutation = defect[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return $"{defect[..colon]}: {string.Join(' ', mutation.Take(mutation.FirstOrDefault() is "a" or "an" or "not" ? 3 : 1))}";
        }

        return words[0];
    }

    /// <summary>
    /// A body just over the limit, declared up front (Content-Length, with Expect: 100-continue so the client hears
    /// the refusal instead of writing into a closed connection) and sent chunked (so the server only finds out by
    /// reading). The padding is the first string member of the valid body, which any reader must read to the end;
    /// without one, an unknown member.
    /// </summary>
    public IEnumerable<FuzzCase> Oversized(ApiOperation op)
    {
        var url = targets.FillPath(op);
        var baseNode = targets.BaseBody(op, model);
        var site = Sites(baseNode, op.Body!.Schema).FirstOrDefault(s => !s.Shape.IsAny && s.Shape.Allows(JsonKind.String) && s.Value?.GetValueKind() == JsonValueKind.String);
        var shell = site is null
            ? Encoding.UTF8.GetBytes($"{{\"fuzzPadding\":\"{RawMarker}\"}}")
            : Raw(baseNode, site.Path, Encoding.UTF8.GetBytes($"\"{RawMarker}\""));
        var text = Encoding.UTF8.GetString(shell);
        var at = text.IndexOf(RawMarker, StringComparison.Ordinal);
        var head = Encoding.UTF8.GetBytes(text[..at]);
        var tail = Encoding.UTF8.GetBytes(text[(at + RawMarker.Length)..]);
        var body = new byte[OversizedBodyBytes];
        Array.Fill(body, (byte)'a');
        head.CopyTo(body, 0);
        tail.CopyTo(body, body.Length - tail.Length);
        var type = op.Body.ContentTypes.FirstOrDefault() ?? "application/json";
        var where = site?.Name ?? "an unknown member";
        yield return new FuzzCase(op, $"body of 32 MiB + 1 byte, the padding in {where} (Content-Length, Expect: 100-continue)", url, body, type, [new("Expect", "100-continue")]);
        yield return new FuzzCase(op, $"body of 32 MiB + 1 byte, the padding in {where} (chunked)", url, body, type, Chunked: true);
    }

    private IEnumerable<FuzzCase> BodyCases(ApiOperation op, string url, JsonNode baseNode, byte[] baseBytes, string jsonType)
    {
        for (var i = 0; i < 4; i++)
        {
            yield return new(op, "random bytes", url, RandomBytes(), jsonType);
        }

        foreach (var type in AnyContentTypes)
        {
            yield return new(op, "random bytes", url, RandomBytes(), type);
        }

        foreach (var type in ForeignContentTypes.Where(t => t is null || !op.Body!.ContentTypes.Contains(t.Split(';')[0], StringComparer.OrdinalIgnoreCase)))
        {
            yield return new(op, $"the valid body as {type ?? "no Content-Type"}", url, baseBytes, type);
        }

        foreach (var cut in Enumerable.Range(0, 4).Select(_ => random.Next(1, baseBytes.Length)).Distinct())
        {
            yield return new(op, $"JSON cut after {cut} of {baseBytes.Length} bytes", url, baseBytes[..cut], jsonType);
        }

        if (op.Body!.Required)
        {
            yield return new(op, "an empty body", url, [], jsonType);
            yield return new(op, "no body at all", url);
        }

        yield return new(op, "arrays nested 200 deep", url, Deep(200, objects: false), jsonType);
        yield return new(op, "objects nested 200 deep", url, Deep(200, objects: true), jsonType);

        foreach (var site in Sites(baseNode, op.Body.Schema))
        {
            foreach (var (defect, body) in SiteMutations(baseNode, site))
            {
                yield return new(op, $"{site.Name}: {defect}", url, body, jsonType);
            }
        }
    }

    private sealed record Site(IReadOnlyList<object> Path, Shape Shape, bool Required, JsonNode? Value)
    {
        public string Name => "$" + string.Concat(Path.Select(p => p is int i ? $"[{i}]" : $".{p}"));
    }

    /// <summary>Every value of the valid body with the schema that describes it (an array's first item stands for all).</summary>
    private List<Site> Sites(JsonNode root, JsonElement schema)
    {
        var sites = new List<Site>();
        Walk(root, schema, [], required: true);
        return sites;

        void Walk(JsonNode? node, JsonElement nodeSchema, List<object> path, bool required)
        {
            var shape = model.ShapeOf(nodeSchema);
            sites.Add(new Site(path, shape, required, node));
            if (node is JsonObject obj)
            {
                foreach (var (name, propertySchema) in shape.Properties)
                {
                    if (obj.TryGetPropertyValue(name, out var child))
                    {
                        Walk(child, propertySchema, [.. path, name], shape.Required.Contains(name));
                    }
                }
            }
            else if (node is JsonArray { Count: > 0 } array && shape.Items is { } items)
            {
                Walk(array[0], items, [.. path, 0], required: false);
            }
        }
    }

    private IEnumerable<(string Defect, byte[] Body)> SiteMutations(JsonNode root, Site site)
    {
        var shape = site.Shape;
        if (!shape.IsAny)
        {
            foreach (var kind in new[] { JsonKind.Boolean, JsonKind.Integer, JsonKind.Number, JsonKind.String, JsonKind.Array, JsonKind.Object }.Where(k => !shape.Allows(k)))
            {
                var value = ValueOf(kind, shape);
                yield return ($"{kind} where the schema allows {string.Join("|", shape.Kinds!)}: {value?.ToJsonString()}", Replace(root, site.Path, value));
            }

            if (shape.Allows(JsonKind.String) && (shape.Enum.Count > 0 || shape.Pattern is not null))
            {
                yield return ("a string outside the enum/pattern", Replace(root, site.Path, JsonValue.Create("fuzz-not-a-member")));
            }

            if (!shape.Allows(JsonKind.Null))
            {
                yield return ("null where the schema excludes null", Replace(root, site.Path, null));
                if (site.Required && site.Path.Count > 0 && site.Path[^1] is string)
                {
                    yield return ("a required non-nullable member left out", Remove(root, site.Path));
                }
            }

            if (shape.Allows(JsonKind.String))
            {
                var maxLength = shape.MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
                yield return ($"a 200 KB string (maxLength {maxLength})", Replace(root, site.Path, JsonValue.Create(new string((char)('a' + random.Next(26)), 200_000))));
                foreach (var bad in BadStrings)
                {
                    yield return ($"a string that is not Unicode: {FuzzCase.Printable(bad, 40)}", Raw(root, site.Path, bad));
                }
            }

            if (shape.Closed && site.Value is JsonObject obj)
            {
                foreach (var name in Pick(UnknownNames, 3).Where(n => !shape.Properties.Keys.Any(k => string.Equals(k, n, StringComparison.OrdinalIgnoreCase))))
                {
                    var extended = (JsonObject)obj.DeepClone();
                    extended[name] = ValueOf((JsonKind)random.Next(7), shape);
                    yield return ($"an unknown member '{FuzzCase.Excerpt(name, 20)}'", Replace(root, site.Path, extended));
                }
            }
        }
        else if (site.Value is JsonObject geometry && geometry["type"]?.GetValueKind() == JsonValueKind.String
                 && geometry["type"]!.GetValue<string>() is "Polygon" or "MultiPolygon")
        {
            foreach (var bad in BadGeometries)
            {
                yield return ($"an invalid geometry {FuzzCase.Excerpt(bad, 80)}", Raw(root, site.Path, Encoding.ASCII.GetBytes(bad)));
            }
        }

        if (site.Path.Count > 0)
        {
            yield return ("arrays nested 200 deep", Raw(root, site.Path, Deep(200, objects: false)));
        }

        foreach (var token in Pick(BadTokens, 5))
        {
            yield return ($"not JSON: {token}", Raw(root, site.Path, Encoding.UTF8.GetBytes(token)));
        }
    }

    private JsonNode? ValueOf(JsonKind kind, Shape shape) => kind switch
    {
        JsonKind.Null => null,
        JsonKind.Boolean => JsonValue.Create(random.Next(2) == 0),
        JsonKind.Integer => JsonValue.Create(random.Next(-1000, 1000)),
        JsonKind.Number => JsonValue.Create(random.Next(2) == 0 ? 0.5 : -1.5e300),
        JsonKind.String => JsonValue.Create(shape.Allows(JsonKind.Number) ? "x1" : "fuzz"),
        JsonKind.Array => random.Next(2) == 0 ? new JsonArray() : new JsonArray(1, "x"),
        _ => random.Next(2) == 0 ? new JsonObject() : new JsonObject { ["fuzz"] = 1 },
    };

    private static byte[] Replace(JsonNode root, IReadOnlyList<object> path, JsonNode? value) => Edit(root, path, value, null, remove: false);

    private static byte[] Remove(JsonNode root, IReadOnlyList<object> path) => Edit(root, path, null, null, remove: true);

    private static byte[] Raw(JsonNode root, IReadOnlyList<object> path, byte[] raw) => Edit(root, path, null, raw, remove: false);

    /// <summary>
    /// A copy of the body with one value replaced (or removed). Raw bytes (200-deep nesting, tokens that are not JSON,
    /// bytes that are not UTF-8) cannot live in a JsonNode: a marker string stands in for them and is swapped afterwards.
    /// </summary>
    private static byte[] Edit(JsonNode root, IReadOnlyList<object> path, JsonNode? replacement, byte[]? raw, bool remove)
    {
        if (path.Count == 0)
        {
            return raw ?? Encoding.UTF8.GetBytes(replacement?.ToJsonString() ?? "null");
        }

        var copy = root.DeepClone();
        var parent = path.SkipLast(1).Aggregate(copy, (node, segment) => segment is int i ? node[i]! : node[(string)segment]!);
        var value = raw is null ? replacement : JsonValue.Create(RawMarker);
        switch (path[^1])
        {
            case int index when remove:
                ((JsonArray)parent).RemoveAt(index);
                break;
            case int index:
                parent[index] = value;
                break;
            case string name when remove:
                ((JsonObject)parent).Remove(name);
                break;
            case string name:
                parent[name] = value;
                break;
        }

        var text = copy.ToJsonString();
        if (raw is null)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var quoted = $"\"{RawMarker}\"";
        var at = text.IndexOf(quoted, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(text[..at]), .. raw, .. Encoding.UTF8.GetBytes(text[(at + quoted.Length)..])];
    }

    private static byte[] Deep(int depth, bool objects) => Encoding.ASCII.GetBytes(objects
        ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)
        : new string('[', depth) + new string(']', depth));

    private byte[] RandomBytes()
    {
        var length = random.Next(4) switch
        {
            0 => random.Next(1, 16),
            1 => random.Next(16, 512),
            2 => random.Next(512, 8192),
            _ => 65_536,
        };
        var bytes = new byte[length];
        random.NextBytes(bytes);
        bytes[0] = NotJsonStart[random.Next(NotJsonStart.Length)];
        return bytes;
    }

    private string SpoiledValue(PathSeed seed)
    {
        var junk = PathJunk(seed.Value).Where(seed.Spoils).ToArray();
        return junk[random.Next(junk.Length)];
    }

    /// <summary>Malformed values for a path parameter, percent-encoded as they go on the wire.</summary>
    private static IEnumerable<string> PathJunk(string valid) =>
    [
        "abc", "ABCDEF", "null", "undefined", "-1", "1.5", "%7Bid%7D", new string('1', 1024), new string('f', 2048),
        valid + "x", valid + "%00", "%20" + valid, valid + "%2F..", "x" + valid, valid[..^1],
        "..", "../", "..%2F", "%2E%2E%2F", "..%5C", "....%2F%2F", "../../../../etc/passwd",
        Uri.EscapeDataString("四六〇二〇四"), Uri.EscapeDataString("４６０２０４"), Uri.EscapeDataString("٤٦٠٢٠٤"), "%F0%9F%92%A9", "%E2%80%AE" + valid,
        "%00", "%", "%ZZ", "%2F", "%C0%AF", "%FF%FE", "%0D%0A", "%20", "%25", "%u0041", "000000", new string('9', 18),
    ];

    private T[] Pick<T>(IReadOnlyList<T> values, int count) =>
        values.OrderBy(_ => random.Next()).Take(count).ToArray();
}

/// <summary>
/// The entities the fuzzer aims at: a district seeded with a territory tree and a Party-building grid, and an API key
/// in another, untouched district. Path parameters get these values, and the valid bodies mutated point at them.
/// </summary>
internal sealed class FuzzTargets(
    string district, string grid, string gridBoundary, string partyGrid, string keyId, string untouched, PeopleSeeds people, FuzzWebhooks webhooks)
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
        && op.PathParameters.All(p => SeedFor(op, p).IsWellFormed is not null);

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
/// <summary>The fuzzer's webhooks: one its DELETE may remove, one to replay all of, and one with a dead letter for the others.</summary>
internal sealed record FuzzWebhooks(string Deletable, string Spare, string WithDeadLetter, string DeadLetter);

/// <summary>Errors the server logs while the fuzzer runs (with their stack traces), for the failure message.</summary>
internal sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public int Count => _entries.Count;

    public IEnumerable<string> Since(int count) => _entries.Skip(count);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
        }
    }
}

/// <summary>A body sent with Transfer-Encoding: chunked (no Content-Length).</summary>
internal sealed class ChunkedContent(byte[] data) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < data.Length; offset += 65_536)
        {
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(65_536, data.Length - offset)), cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>
/// The API on a real Kestrel socket (so the 32 MiB body limit and Kestrel's own parsing are what a client meets), in
/// Embedded mode on its own data folder and ports, with a district the fuzzer aims at and one it must never touch.
/// </summary>
public sealed class FuzzServer : IAsyncLifetime
{
    // Webhooks are registered with plain-http URLs of a closed local port, and give up after one attempt.
    private readonly ApiFactory _api = new(Fresh.TempFolder(), new Dictionary<string, string?>
    {
        ["GridGov:Webhooks:AllowInsecureUrls"] = "true",
        ["GridGov:Webhooks:MaxAttempts"] = "1",
        ["GridGov:Webhooks:PollInterval"] = "00:00:00.100",
    });
    private WebApplicationFactory<Program>? _host;

    public string OperatorKey { get; private set; } = "";

    public Uri Address { get; private set; } = null!;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 32 })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>The district whose territory and Party-building grid the fuzzer aims at.</summary>
    public string District { get; } = Fresh.District();

    /// <summary>The district whose API keys the fuzzer's key requests name; its district admin lists them before and after.</summary>
    public string Untouched { get; } = Fresh.District();

    public string Grid => $"{District}001001001";

    public string PartyGrid => $"{District}-PG1";

    public string KeyId { get; private set; } = "";

    public string UntouchedAdminKey { get; private set; } = "";

    internal ErrorLog Errors { get; } = new();

    internal FuzzTargets Targets { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = _api.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(Errors)));
        _host.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _host.StartServer();
        Address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        OperatorKey = (await File.ReadAllTextAsync(Path.Combine(_api.DataFolder, "bootstrap-api-key"))).Trim();

        var (x, y) = Fresh.Origin(District);
        var gridBoundary = Geo.Box(x, y, x + 0.1, y + 0.1);
        var import = await (await SendAsync(HttpMethod.Post, "/api/v1/territory/import", OperatorKey, Geo.Collection(
            Geo.Feature(District, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{District}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{District}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature(Grid, "Grid", gridBoundary)))).AssertOkAsync();
        Assert.Equal(0, import.GetProperty("rejected").GetArrayLength());
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-grids/{PartyGrid}", OperatorKey, $$"""{"name":"PG","gridCodes":["{{Grid}}"]}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);

        var people = new PeopleSeeds($"{District}-H1", $"{District}-H2", $"{District}-R1", $"{District}-PO1", $"{District}-M1");
        await (await SendAsync(HttpMethod.Put, $"/api/v1/households/{people.Household}", OperatorKey, $$"""{"gridCode":"{{Grid}}","building":"1","room":"101"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/households/{people.ResidentHousehold}", OperatorKey,
            $$"""{"gridCode":"{{Grid}}","building":"1","room":"102","residents":[{"id":"{{people.Resident}}","name":"R","gender":"male","birthYear":1970,"relation":"head","residenceType":"registered"}]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-organizations/{people.Organization}", OperatorKey, $$"""{"kind":"branch","name":"Empty branch","partyGridId":"{{PartyGrid}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-organizations/{District}-PO2", OperatorKey, $$"""{"kind":"branch","name":"Branch","partyGridId":"{{PartyGrid}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await SendAsync(HttpMethod.Put, $"/api/v1/party-members/{people.Member}", OperatorKey, $$"""{"name":"M","status":"full","mobile":false,"joined":"2000-07-01","organizationId":"{{District}}-PO2"}""")).AssertOkAsync(HttpStatusCode.Created);

        UntouchedAdminKey = await CreateKeyAsync(Roles.DistrictAdmin, Untouched);
        KeyId = (await CreateKeyAsync(Roles.Viewer, Untouched)).Split('_')[1];
        Targets = new FuzzTargets(District, Grid, gridBoundary, PartyGrid, KeyId, Untouched, people, await WebhooksAsync(x, y));
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _api.DisposeAsync();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? apiKey, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Address, path));
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        // Headers first: an event stream never ends, and its callers read no body from it.
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Sends a generated request exactly as generated: the target is not normalized, headers are not validated.</summary>
    internal async Task<Answer> SendAsync(FuzzCase c, string? apiKey, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var uri = new Uri(Address.GetLeftPart(UriPartial.Authority) + c.Target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using var request = new HttpRequestMessage(new HttpMethod(c.Operation.Method), uri);
            if (c.Body is not null)
            {
                request.Content = c.Chunked ? new ChunkedContent(c.Body) : new ByteArrayContent(c.Body);
                if (c.ContentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
                }
            }

            foreach (var (name, value) in c.Headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (apiKey is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
            }

            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            var body = IsEventStream(response) ? "" : await response.Content.ReadAsStringAsync(cancel.Token);
            return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, false, null, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new Answer(0, null, "", true, null, Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new Answer(0, null, "", false, e, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>A server-sent event stream: it stays open, so only its status and headers are read.</summary>
    internal static bool IsEventStream(HttpResponseMessage response) =>
        response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "text/event-stream";

    /// <summary>Webhooks of the district and a dead letter of one of them, from a case reported in the grid.</summary>
    private async Task<FuzzWebhooks> WebhooksAsync(double x, double y)
    {
        async Task<string> RegisterAsync(string events) =>
            (await (await SendAsync(HttpMethod.Post, $"/api/v1/districts/{District}/webhooks", OperatorKey,
                $$"""{"url":"http://127.0.0.1:9/fuzz","events":{{events}},"territory":"{{Grid}}"}""")).AssertOkAsync(HttpStatusCode.Created))
                .GetProperty("id").GetString()!;

        var deletable = await RegisterAsync("""["merged"]""");
        var spare = await RegisterAsync("""["merged"]""");
        var failing = await RegisterAsync("""["reported"]""");
        await (await SendAsync(HttpMethod.Post, "/api/v1/cases", OperatorKey, FormattableString.Invariant(
            $$"""{"category":"event.other","description":"fuzz","source":"hotline12345","lat":{{y + 0.05}},"lon":{{x + 0.05}}}"""))).AssertOkAsync(HttpStatusCode.Created);
        var letters = await Eventually.MatchesAsync(
            async () => (await (await SendAsync(HttpMethod.Get, $"/api/v1/districts/{District}/webhooks/{failing}/dead-letters", OperatorKey)).AssertOkAsync()).GetProperty("items"),
            items => items.GetArrayLength() == 1,
            $"a dead letter of webhook {failing}");
        return new FuzzWebhooks(deletable, spare, failing, letters[0].GetProperty("deliveryId").GetString()!);
    }

    private async Task<string> CreateKeyAsync(string role, string scope)
    {
        var created = await (await SendAsync(HttpMethod.Post, "/api/v1/api-keys", OperatorKey, $$"""{"name":"{{role}} of {{scope}}","role":"{{role}}","scope":"{{scope}}"}"""))
            .AssertOkAsync(HttpStatusCode.Created);
        return created.GetProperty("key").GetString()!;
    }
}
