namespace GridGov.Contracts.Common;

/// <summary>
/// The links a record carries (media, photos, attachments, snapshots): absolute http(s) URLs of a bounded length.
/// One rule for every such list, so a URL one endpoint takes is never refused by another with a different test.
/// </summary>
public static class HttpUrls
{
    public static bool IsValid(string? url, int maxLength) =>
        url is { Length: > 0 } && url.Length <= maxLength
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>
    /// The list as given (empty for none); a 400 naming <paramref name="field"/> when it has more than
    /// <paramref name="maxCount"/>, or <c>field[i]</c> for the first URL that is not valid.
    /// </summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<string>? urls, string field, int maxCount, int maxLength, string tooMany, string invalid)
    {
        if (urls is null)
        {
            return [];
        }

        if (urls.Count > maxCount)
        {
            throw DomainException.Invalid(field, tooMany);
        }

        for (var i = 0; i < urls.Count; i++)
        {
            if (!IsValid(urls[i], maxLength))
            {
                throw DomainException.Invalid($"{field}[{i}]", invalid);
            }
        }

        return urls;
    }
}
