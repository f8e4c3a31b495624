using System.Text.Json;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Territory;

/// <summary>
/// Imports a district's territory from one GeoJSON FeatureCollection. The handler checks each feature's shape and
/// district; <see cref="ITerritoryImportGrain"/> applies them level by level (parents before children, whatever their
/// order in the file). Every feature is judged on its own, so one bad polygon rejects that feature, not the file.
/// </summary>
public static class TerritoryImport
{
    private const int MaxFeatures = 20_000;

    public static async Task<Ok<TerritoryImportResult>> ImportAsync(HttpRequest request, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var own = request.HttpContext.Caller().DistrictFilter;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !(media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.MediaType.Equals("application/geo+json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new BadHttpRequestException("The body is a GeoJSON FeatureCollection: Content-Type application/json or application/geo+json.", StatusCodes.Status415UnsupportedMediaType);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = ApiSetup.MaxJsonDepth }, cancellationToken);
        }
        catch (JsonException e)
        {
            throw DomainException.Invalid("body", $"The body is not valid JSON: {e.Message.Split(" Path:")[0]}");
        }

        using (document)
        {
            var features = ReadFeatures(document.RootElement);
            var rejected = new List<RejectedFeature>();

            var firstIndexOfCode = new Dictionary<string, int>(StringComparer.Ordinal);
            var accepted = new List<Candidate>();
            foreach (var (index, feature) in features.Select((f, i) => (i, f)))
            {
                var candidate = Parse(index, feature, out var reason);
                if (candidate is not null && own is not null && DistrictCode.Of(candidate.Code) != own)
                {
                    rejected.Add(new RejectedFeature(index, candidate.Code, $"{candidate.Code} is outside your district {own}."));
                }
                else if (candidate is null)
                {
                    rejected.Add(new RejectedFeature(index, CodeOf(feature), reason!));
                }
                else if (firstIndexOfCode.TryGetValue(candidate.Code, out var first))
                {
                    rejected.Add(new RejectedFeature(index, candidate.Code, $"The code {candidate.Code} already appears in feature {first}."));
                }
                else
                {
                    firstIndexOfCode[candidate.Code] = index;
                    accepted.Add(candidate);
                }
            }

            var outcomes = await cluster.GetGrain<ITerritoryImportGrain>(0)
                .ImportAsync(accepted.Select(c => new TerritoryImportItem(c.Index, c.Code, c.Name, c.Boundary)).ToArray());
            foreach (var refused in outcomes.Where(o => o.Outcome is null))
            {
                rejected.Add(new RejectedFeature(refused.Index, refused.Code, refused.Refusal!));
            }

            ImportedFeature[] Of(UpsertOutcome outcome) =>
                outcomes.Where(o => o.Outcome == outcome).Select(o => new ImportedFeature(o.Index, o.Code)).OrderBy(f => f.Index).ToArray();

            return TypedResults.Ok(new TerritoryImportResult(
                Of(UpsertOutcome.Created),
                Of(UpsertOutcome.Updated),
                Of(UpsertOutcome.Unchanged),
                rejected.OrderBy(r => r.Index).ToArray()));
        }
    }

    private static JsonElement[] ReadFeatures(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var type) || Text(type) != "FeatureCollection")
        {
            throw DomainException.Invalid("type", "The body must be a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\").");
        }

        if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            throw DomainException.Invalid("features", "A FeatureCollection needs a \"features\" array.");
        }

        var count = features.GetArrayLength();
        if (count > MaxFeatures)
        {
            throw DomainException.Invalid("features", $"At most {MaxFeatures} features per import; this file has {count}.");
        }

        return features.EnumerateArray().ToArray();
    }

    private sealed record Candidate(int Index, string Code, string Name, string Boundary);

    private static Candidate? Parse(int index, JsonElement feature, out string? reason)
    {
        reason = null;
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var type) || Text(type) != "Feature")
        {
            reason = "Not a GeoJSON Feature.";
            return null;
        }

        var code = CodeOf(feature);
        if (!TerritoryCode.IsValid(code))
        {
            reason = $"properties.code must be {TerritoryCode.FormatDescription}.";
            return null;
        }

        // The name is the node's to judge, as for a single PUT; a missing one is empty and refused there.
        var name = feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("name", out var n) ? Text(n) ?? "" : "";

        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object)
        {
            reason = "A Polygon or MultiPolygon geometry is required.";
            return null;
        }

        return new Candidate(index, code!, name, geometry.GetRawText());
    }

    private static string? CodeOf(JsonElement feature) =>
        feature.ValueKind == JsonValueKind.Object
        && feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty("code", out var c)
            ? Text(c)
            : null;

    /// <summary>A JSON string's text; null for other kinds and for strings that are not valid Unicode (lone surrogates).</summary>
    private static string? Text(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
