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
