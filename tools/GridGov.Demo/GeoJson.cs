using System.Text.Json;

namespace GridGov.Demo;

/// <summary>The district's territory as one GeoJSON FeatureCollection, the body of <c>POST /api/v1/territory/import</c>.</summary>
internal static class GeoJson
{
    private static readonly string[] Levels = ["district", "street", "community", "grid", "micro-grid"];

    public static byte[] Write(DistrictPlan district, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteStartArray("features");
            foreach (var feature in district.Territory)
            {
                json.WriteStartObject();
                json.WriteString("type", "Feature");
                json.WriteStartObject("properties");
                json.WriteString("code", feature.Code);
                json.WriteString("name", feature.Name);
                json.WriteString("level", Levels[Array.IndexOf([6, 9, 12, 15, 17], feature.Code.Length)]);
                json.WriteEndObject();
                json.WriteStartObject("geometry");
                json.WriteString("type", "Polygon");
                json.WriteStartArray("coordinates");
                json.WriteStartArray();
                foreach (var position in feature.Shape.Ring())
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
