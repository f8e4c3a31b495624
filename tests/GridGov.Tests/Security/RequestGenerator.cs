using System.Text;
using System.Text.Json;

namespace GridGov.Tests.Security;

/// <summary>
/// Generates malformed requests for one operation from its OpenAPI description. Every request it makes for an
/// operation that is not safe (not GET/HEAD) carries at least one defect the API must refuse, so none of them may
/// change state; see <see cref="For"/>.
/// </summary>
internal sealed partial class RequestGenerator(OpenApiModel model, FuzzTargets targets, Random random)
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
}
