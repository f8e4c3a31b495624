using System.Text.Json;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Api;

/// <summary>
/// The OpenAPI contract as the running API serves it. The test also writes the document to
/// <c>artifacts/openapi/v1.json</c> at the repository root, where <c>tools/openapi/lint.sh</c> lints it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFactory factory)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly HttpClient _client = factory.CreateClient();

    /// <summary>Where the served document is written for the linters.</summary>
    public static string ArtifactPath => Path.Combine(RepositoryRoot(), "artifacts", "openapi", "v1.json");

    [Fact]
    public async Task The_document_is_served_and_written_for_the_linters()
    {
        var response = await _client.GetAsync("/openapi/v1.json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /openapi/v1.json answered {(int)response.StatusCode}: {body}");

        WriteArtifact(body);

        var document = JsonDocument.Parse(body).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(document.GetProperty("info").GetProperty("title").GetString()));
        Assert.Equal("v1", document.GetProperty("info").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Every_operation_is_under_api_v1_or_open311_v2_and_has_an_id_a_summary_and_a_4xx_response()
    {
        var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement;

        var problems = new List<string>();
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        var operations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            // Open311 GeoReport v2 is served beside the native API, at the path its clients expect.
            if (!path.Name.StartsWith("/api/v1/", StringComparison.Ordinal) && !path.Name.StartsWith("/open311/v2/", StringComparison.Ordinal))
            {
                problems.Add($"{path.Name} is not under /api/v1/ or /open311/v2/.");
            }

            foreach (var operation in path.Value.EnumerateObject().Where(p => Methods.Contains(p.Name)))
            {
                operations++;
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";

                var operationId = Text(operation.Value, "operationId");
                if (operationId is null)
                {
                    problems.Add($"{name} has no operationId.");
                }
                else if (!operationIds.Add(operationId))
                {
                    problems.Add($"{name} repeats the operationId {operationId}.");
                }

                if (Text(operation.Value, "summary") is null)
                {
                    problems.Add($"{name} has no summary.");
                }

                var statuses = operation.Value.TryGetProperty("responses", out var responses)
                    ? responses.EnumerateObject().Select(r => r.Name).ToArray()
                    : [];
                if (!statuses.Any(s => s.Length == 3 && s[0] == '4'))
                {
                    problems.Add($"{name} documents no 4xx response (it has {string.Join(", ", statuses)}).");
                }
            }
        }

        Assert.True(operations > 0, "The document has no operations.");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// What a typed client generated from the document relies on (tools/openapi/client checks one): a request member
    /// that may be null is one the server lets the caller leave out, so it is not <c>required</c>; and a number is
    /// never typed as a string too. Responses may require a nullable member: it is always there, possibly null.
    /// </summary>
    [Fact]
    public async Task Request_bodies_require_no_nullable_member_and_numbers_are_never_strings()
    {
        var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement;
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var requestSchemas = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var operation in document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()))
        {
            if (operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("requestBody", out var body))
            {
                CollectReferences(body, schemas, requestSchemas);
            }
        }

        var problems = new List<string>();
        foreach (var name in requestSchemas)
        {
            var schema = schemas.GetProperty(name);
            if (schema.TryGetProperty("required", out var required) && schema.TryGetProperty("properties", out var properties))
            {
                problems.AddRange(required.EnumerateArray()
                    .Select(r => r.GetString()!)
                    .Where(member => properties.TryGetProperty(member, out var property) && AllowsNull(property))
                    .Select(member => $"{name}.{member} is required and nullable: the server lets it be left out."));
            }
        }

        FindNumbersAsStrings(document, "#", problems);
        Assert.True(requestSchemas.Count >= 10, $"Only {requestSchemas.Count} request schemas found: {string.Join(", ", requestSchemas)}");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Every_enum_says_its_values_are_strings()
    {
        var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement;
        var untyped = document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .Where(s => s.Value.TryGetProperty("enum", out _) && !(s.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "string"))
            .Select(s => s.Name)
            .ToArray();
        Assert.True(untyped.Length == 0, $"Enums without type string: {string.Join(", ", untyped)}");
    }

    private static void CollectReferences(JsonElement element, JsonElement schemas, ISet<string> names)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "$ref" && property.Value.GetString() is { } reference
                    && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal)
                    && names.Add(reference["#/components/schemas/".Length..]))
                {
                    CollectReferences(schemas.GetProperty(reference["#/components/schemas/".Length..]), schemas, names);
                }
                else
                {
                    CollectReferences(property.Value, schemas, names);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                CollectReferences(item, schemas, names);
            }
        }
    }

    private static bool AllowsNull(JsonElement schema) =>
        (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null"))
        || new[] { "oneOf", "anyOf" }.Any(k => schema.TryGetProperty(k, out var options)
            && options.EnumerateArray().Any(o => o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null"));

    private static void FindNumbersAsStrings(JsonElement element, string path, List<string> problems)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
            {
                var types = type.EnumerateArray().Select(t => t.GetString()).ToArray();
                if (types.Contains("string") && (types.Contains("number") || types.Contains("integer")))
                {
                    problems.Add($"{path} is typed {string.Join(" | ", types)}: a number is a JSON number.");
                }
            }

            foreach (var property in element.EnumerateObject())
            {
                FindNumbersAsStrings(property.Value, $"{path}/{property.Name}", problems);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                FindNumbersAsStrings(item, $"{path}/{i++}", problems);
            }
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    /// <summary>Writes through a temporary file, so a linter never reads half a document.</summary>
    private static void WriteArtifact(string body)
    {
        var path = ArtifactPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, body);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The folder holding <c>orleans.sln</c>, found by walking up from the test assembly.</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "orleans.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No orleans.sln above {AppContext.BaseDirectory}.");
    }
}
