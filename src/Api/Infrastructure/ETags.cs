using GridGov.Contracts.Common;
using Microsoft.Net.Http.Headers;

namespace GridGov.Api.Infrastructure;

/// <summary>Entity versions as strong ETags (<c>"7"</c>), and the If-Match / If-None-Match preconditions.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>The version an If-Match header asks for; null when absent. A malformed one is a 400.</summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        if (header.Trim() == "*")
        {
            return null;
        }

        if (EntityTagHeaderValue.TryParse(header.Trim(), out var tag) && !tag.IsWeak
            && long.TryParse(tag.Tag.AsSpan().Trim('"'), out var version) && version >= 0)
        {
            return version;
        }

        throw DomainException.Invalid("If-Match", $"If-Match must be one entity tag such as \"3\", not '{header}'.");
    }

    /// <summary>True when the caller sent <c>If-None-Match: *</c> (create only).</summary>
    public static bool CreateOnly(HttpRequest request) => request.Headers.IfNoneMatch.ToString().Trim() == "*";

    public static void Set(HttpResponse response, long version) => response.Headers.ETag = For(version);
}
