using System.Text.Json;
using System.Text.Json.Serialization;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Police;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Police;

/// <summary>A GeoJSON FeatureCollection of police areas (for the OpenAPI document; the handler reads the body itself).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PoliceFeatureCollectionRequest(string Type, IReadOnlyList<PoliceFeatureRequest> Features);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PoliceFeatureRequest(string Type, PoliceFeatureProperties Properties, JsonElement Geometry);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PoliceFeatureProperties(string Code, string Name, string Station, string? OfficerName = null, string? OfficerPhone = null);

/// <summary>
/// Imports a district's police areas from one GeoJSON FeatureCollection. The handler checks each feature's shape and
/// hashes and masks the officers' phones; <see cref="IPoliceAreasGrain"/> puts the areas. One bad feature is refused
/// with its index, code and field, not the file.
/// </summary>
public static class PoliceImport
{
    private const int MaxFeatures = 10_000;

    public static async Task<Ok<PoliceAreaImportResult>> ImportAsync(
        string district, HttpRequest request, IClusterClient cluster, AuthSettings auth, CancellationToken cancellationToken)
    {
        PoliceApi.RequireDistrict(district, request.HttpContext);
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
            var actor = request.HttpContext.Caller().Actor;
            var rejected = new List<RejectedPoliceArea>();
            var items = new List<PoliceAreaImportItem>();
            var firstIndexOfCode = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var index = 0; index < features.Length; index++)
            {
                var code = Property(features[index], "code");
                try
                {
                    var item = Parse(index, features[index], code, actor, auth);
                    if (firstIndexOfCode.TryGetValue(item.Code, out var first))
                    {
                        rejected.Add(new RejectedPoliceArea(index, item.Code, "properties.code", $"The code {item.Code} already appears in feature {first}."));
                        continue;
                    }

                    firstIndexOfCode[item.Code] = index;
                    items.Add(item);
                }
                catch (DomainException e)
                {
                    rejected.Add(new RejectedPoliceArea(index, code, e.Field, e.Message));
                }
            }

            var outcomes = items.Count == 0 ? [] : await cluster.GetGrain<IPoliceAreasGrain>(0).ImportAsync(district, items);
            rejected.AddRange(outcomes.Where(o => o.Outcome is null).Select(o => new RejectedPoliceArea(o.Index, o.Code, o.Field, o.Refusal!)));

            ImportedPoliceArea[] Of(PoliceAreaOutcome outcome) =>
                outcomes.Where(o => o.Outcome == outcome).Select(o => new ImportedPoliceArea(o.Index, o.Code)).OrderBy(f => f.Index).ToArray();

            return TypedResults.Ok(new PoliceAreaImportResult(
                Of(PoliceAreaOutcome.Created), Of(PoliceAreaOutcome.Updated), Of(PoliceAreaOutcome.Unchanged),
                rejected.OrderBy(r => r.Index).ToArray()));
        }
    }

    private static JsonElement[] ReadFeatures(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || Text(type) != "FeatureCollection")
        {
            throw DomainException.Invalid("type", "The body must be a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\").");
        }

        if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            throw DomainException.Invalid("features", "A FeatureCollection needs a \"features\" array.");
        }

        var count = features.GetArrayLength();
        return count <= MaxFeatures
            ? features.EnumerateArray().ToArray()
            : throw DomainException.Invalid("features", $"At most {MaxFeatures} features per import; this file has {count}.");
    }

    /// <summary>The feature as an item to put, or a refusal naming the field at fault.</summary>
    private static PoliceAreaImportItem Parse(int index, JsonElement feature, string? code, string actor, AuthSettings auth)
    {
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var type) || Text(type) != "Feature")
        {
            throw DomainException.Invalid("type", "Not a GeoJSON Feature.");
        }

        if (!PoliceAreaCode.IsValid(code))
        {
            throw DomainException.Invalid("properties.code", $"properties.code must be {PoliceAreaCode.FormatDescription}.");
        }

        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object)
        {
            throw DomainException.Invalid("geometry", "A Polygon or MultiPolygon geometry is required.");
        }

        var officerName = Property(feature, "officerName");
        var officer = PoliceApi.Officer(
            string.IsNullOrWhiteSpace(officerName) ? null : officerName, Property(feature, "officerPhone"), auth, "properties.officerPhone");
        // Name and station are the area's to judge, as for a single PUT; a missing one is refused there with its field.
        return new PoliceAreaImportItem(index, code!, new PoliceAreaUpsert(
            Property(feature, "name") ?? "", Property(feature, "station") ?? "", officer, geometry.GetRawText(), actor));
    }

    private static string? Property(JsonElement feature, string name) =>
        feature.ValueKind == JsonValueKind.Object
        && feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty(name, out var value)
            ? Text(value)
            : null;

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
