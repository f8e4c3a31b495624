using System.Text.Json;
using GridGov.Contracts.Common;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace GridGov.Grains.Territory;

/// <summary>Parses, validates and normalizes boundary polygons (GeoJSON, WGS-84 longitude/latitude).</summary>
internal static class Boundaries
{
    public static readonly GeometryFactory Factory =
        NtsGeometryServices.Instance.CreateGeometryFactory(new PrecisionModel(), 4326);

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new GeoJsonConverterFactory(Factory) },
        MaxDepth = 16,
    };

    /// <summary>Returns the geometry, or throws a validation <see cref="DomainException"/> naming the reason.</summary>
    public static Geometry Parse(string geoJson, string field = "boundary")
    {
        Geometry? geometry;
        try
        {
            geometry = JsonSerializer.Deserialize<Geometry>(geoJson, Json);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            throw DomainException.Invalid(field, $"The boundary is not a valid GeoJSON geometry: {FirstLine(e.Message)}");
        }

        if (geometry is null)
        {
            throw DomainException.Invalid(field, "The boundary is not a GeoJSON geometry.");
        }

        if (geometry is not (Polygon or MultiPolygon))
        {
            throw DomainException.Invalid(field, $"The boundary must be a Polygon or MultiPolygon, not a {geometry.GeometryType}.");
        }

        if (geometry.IsEmpty)
        {
            throw DomainException.Invalid(field, "The boundary is empty.");
        }

        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y) || c.X is < -180 or > 180 || c.Y is < -90 or > 90)
            {
                throw DomainException.Invalid(field, $"The boundary has a position ({c.X}, {c.Y}) outside longitude -180..180 / latitude -90..90.");
            }
        }

        var error = new IsValidOp(geometry).ValidationError;
        if (error is not null)
        {
            throw DomainException.Invalid(field, $"The boundary is not a valid polygon: {error.Message} at ({error.Coordinate.X}, {error.Coordinate.Y}).");
        }

        geometry.SRID = 4326;
        return geometry;
    }

    public static string Write(Geometry geometry) => JsonSerializer.Serialize(geometry, Json);

    /// <summary>The canonical text of a boundary, so that the same polygon always compares equal.</summary>
    public static string Normalize(string geoJson, string field = "boundary") => Write(Parse(geoJson, field));

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
