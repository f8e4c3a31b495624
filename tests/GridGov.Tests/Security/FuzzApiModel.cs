using System.Text.Json;

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
