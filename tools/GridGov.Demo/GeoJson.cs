using System.Text.Json;

namespace GridGov.Demo;

/// <summary>GeoJSON FeatureCollections of the demo's polygons: its territory, and its police areas.</summary>
internal static class GeoJson
{
    private static readonly string[] Levels = ["district", "street", "community", "grid", "micro-grid"];

    /// <summary>The district's territory, the body of <c>POST /api/v1/territory/import</c>.</summary>
    public static byte[] Write(DistrictPlan district, bool indented) => Write(
        district.Territory,
        feature => feature.Shape,
        (json, feature) =>
        {
            json.WriteString("code", feature.Code);
            json.WriteString("name", feature.Name);
            json.WriteString("level", Levels[Array.IndexOf([6, 9, 12, 15, 17], feature.Code.Length)]);
        },
        indented);

    /// <summary>One Polygon feature per item, with the properties <paramref name="properties"/> writes.</summary>
    public static byte[] Write<T>(IEnumerable<T> items, Func<T, GeoQuad> shape, Action<Utf8JsonWriter, T> properties, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteStartArray("features");
            foreach (var item in items)
            {
                json.WriteStartObject();
                json.WriteString("type", "Feature");
                json.WriteStartObject("properties");
                properties(json, item);
                json.WriteEndObject();
                json.WriteStartObject("geometry");
                json.WriteString("type", "Polygon");
                json.WriteStartArray("coordinates");
                json.WriteStartArray();
                foreach (var position in shape(item).Ring())
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(position[0]);
                    json.WriteNumberValue(position[1]);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
