using System.Text.Json;

namespace GridGov.Tests.Security;

/// <summary>What the fuzz test accepts as an answer to a malformed request.</summary>
internal static class FuzzAnswers
{
    /// <summary>Status below 500, no stack trace, and every refusal an RFC 9457 problem whose status is the HTTP status.</summary>
    public static IEnumerable<string> Check(FuzzCase c, Answer answer)
    {
        if (answer.TimedOut)
        {
            yield return "hang";
            yield break;
        }

        if (answer.Error is not null)
        {
            yield return "transport error";
            yield break;
        }

        if (answer.Status >= 500)
        {
            yield return "5xx";
        }

        if (answer.Body.Contains("   at ", StringComparison.Ordinal))
        {
            yield return "stack trace in the body";
        }

        if (answer.Status >= 400 && !IsProblem(answer) && !IsOpen311Error(c, answer) && !IsKestrelRefusal(c, answer))
        {
            yield return "refusal that is not a problem+json with its status";
        }
    }

    private static bool IsProblem(Answer answer)
    {
        if (answer.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.Number && status.TryGetInt32(out var value) && value == answer.Status;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsOpen311(FuzzCase c) => c.Target.StartsWith("/open311/", StringComparison.Ordinal);

    /// <summary>Open311's refusals are the specification's error list, in JSON or XML, each error's code the status.</summary>
    private static bool IsOpen311Error(FuzzCase c, Answer answer)
    {
        if (!IsOpen311(c))
        {
            return false;
        }

        var status = answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            if (answer.MediaType == "text/xml")
            {
                var errors = System.Xml.Linq.XDocument.Parse(answer.Body).Root!;
                return errors.Name.LocalName == "errors" && errors.Elements().Any()
                    && errors.Elements().All(e => e.Name.LocalName == "error" && e.Element("code")?.Value == status && e.Element("description") is not null);
            }

            using var document = JsonDocument.Parse(answer.Body);
            return answer.MediaType == "application/json" && document.RootElement.ValueKind == JsonValueKind.Array
                && document.RootElement.GetArrayLength() > 0
                && document.RootElement.EnumerateArray().All(e => e.TryGetProperty("code", out var code) && code.GetRawText() == status && e.TryGetProperty("description", out _));
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException)
        {
            return false;
        }
    }

    /// <summary>
    /// The one refusal the application never sees: Kestrel answers a path holding an encoded NUL (<c>%00</c>) itself,
    /// before any middleware runs, with a bare 400 and no body. Exactly that, and only for such a path.
    /// </summary>
    private static bool IsKestrelRefusal(FuzzCase c, Answer answer) =>
        c.Target.Split('?')[0].Contains("%00", StringComparison.Ordinal)
        && answer is { Status: 400, MediaType: null, Body.Length: 0 };

    /// <summary>
    /// Without a valid key: 401 (429 should the per-address bucket run dry). What is refused before authentication,
    /// as for anyone, tells nothing about any entity and is allowed too: a path that junk made leave every route (404
    /// or 405, from routing), a Content-Type that is not a documented media type in UTF-8 (415, from routing or the
    /// charset check), and Kestrel's own refusal. Never a 2xx, nor a refusal only a handler could give (a validation
    /// 400, an entity's 404, 409 or 412).
    /// </summary>
    public static bool IsAnonymousRefusal(FuzzCase c, Answer answer) =>
        answer.Status is 401 or 429
        // Open311's reads are public; its POST takes the key in the form and refuses without one with a 403, or
        // before reading the key when the body is no form (415) or one that cannot be read (400, 413).
        || (IsOpen311(c) && (c.Operation.IsSafe ? answer.Status < 500 : answer.Status is 400 or 403 or 413 or 415))
        // A village's notice board is public (docs/party.md): any answer but a server error.
        || (c.Operation.Path == "/api/v1/villages/{code}/board" && answer.Status < 500)
        || (c.Defect.StartsWith("path ", StringComparison.Ordinal) && answer.Status is 404 or 405)
        || (answer.Status == 415 && c.Body is not null && !HasDocumentedUtf8Type(c))
        || IsKestrelRefusal(c, answer);

    /// <summary>The request's Content-Type is a media type the operation documents, with no charset or UTF-8.</summary>
    private static bool HasDocumentedUtf8Type(FuzzCase c) =>
        c.ContentType is { } type
        && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media)
        && (c.Operation.Body?.ContentTypes ?? []).Contains(media.MediaType, StringComparer.OrdinalIgnoreCase)
        && (media.CharSet is null || string.Equals(media.CharSet, "utf-8", StringComparison.OrdinalIgnoreCase));
}
