using System.Text;
using System.Text.Json;
using System.Xml;
using GridGov.Contracts.Common;

namespace GridGov.Api.Open311;

/// <summary>
/// Writes an Open311 resource in the format its path's extension names: JSON as serialized, or XML with System.Xml,
/// one element per member and, for a list, one element per item named as the specification does (<c>services</c> →
/// <c>service</c>, <c>service_requests</c> → <c>request</c>). XML is the specification's default.
/// </summary>
public static class Open311Format
{
    public const string Json = "json";
    public const string Xml = "xml";
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string XmlContentType = "text/xml; charset=utf-8";

    // Text as it is (Chinese service names, '+' of offsets), not \u-escaped: both are safe in a JSON body.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Dictionary<string, string> ItemNames = new(StringComparer.Ordinal)
    {
        ["services"] = "service",
        ["service_requests"] = "request",
        ["errors"] = "error",
        ["endpoints"] = "endpoint",
        ["formats"] = "format",
        ["attributes"] = "attribute",
        ["values"] = "value",
        ["notes"] = "note",
    };

    /// <summary>The format a handler was asked for; any extension but <c>.json</c> and <c>.xml</c> is a 400.</summary>
    public static string Parse(string format) => format switch
    {
        Json or Xml => format,
        _ => throw DomainException.Invalid("format", $"'.{format}' is not a format of this server: use .json or .xml."),
    };

    /// <summary>The format of the request's path (for errors): JSON for <c>.json</c>, else the default, XML.</summary>
    public static string OfPath(PathString path) => path.Value?.EndsWith(".json", StringComparison.OrdinalIgnoreCase) == true ? Json : Xml;

    /// <summary>A result writing <paramref name="value"/> under the XML root <paramref name="root"/> (a list's items are named after it).</summary>
    public static IResult Result<T>(T value, string format, string root, int status = StatusCodes.Status200OK) =>
        new Open311Result(JsonSerializer.SerializeToElement(value, Options), format, root, status);

    public static async Task WriteAsync(HttpResponse response, JsonElement value, string format, string root, int status)
    {
        response.StatusCode = status;
        if (format == Json)
        {
            response.ContentType = JsonContentType;
            await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(value, Options));
            return;
        }

        response.ContentType = XmlContentType;
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartDocument();
            Element(xml, root, value);
            xml.WriteEndDocument();
        }

        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static void Element(XmlWriter xml, string name, JsonElement value)
    {
        xml.WriteStartElement(name);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    Element(xml, member.Name, member.Value);
                }

                break;
            case JsonValueKind.Array:
                var item = ItemNames.TryGetValue(name, out var known) ? known
                    : throw new InvalidOperationException($"No XML item name for the list '{name}'.");
                foreach (var element in value.EnumerateArray())
                {
                    Element(xml, item, element);
                }

                break;
            case JsonValueKind.String:
                xml.WriteString(value.GetString());
                break;
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number:
                xml.WriteString(value.GetRawText());
                break;
        }

        // A null is an empty element, as the specification's examples write an absent value.
        xml.WriteEndElement();
    }

    private sealed class Open311Result(JsonElement value, string format, string root, int status) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext.Response, value, format, root, status);
    }
}
