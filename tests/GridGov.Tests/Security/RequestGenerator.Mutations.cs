using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridGov.Tests.Security;

/// <summary>The body mutations of <see cref="RequestGenerator"/>: a valid body with one defect at one site.</summary>
internal sealed partial class RequestGenerator
{
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
