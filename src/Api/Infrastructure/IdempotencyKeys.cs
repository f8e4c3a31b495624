namespace GridGov.Api.Infrastructure;

/// <summary>
/// The Idempotency-Key header, and the endpoints that honour it: their grain deduplicates a request by its key, so a
/// repeat of it is answered with the first result rather than applied twice. Other endpoints ignore the header.
/// </summary>
internal static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>The metadata of an endpoint that honours the header.</summary>
    internal static readonly object Honoured = new HonouredMarker();

    public static RouteHandlerBuilder HonoursIdempotencyKey(this RouteHandlerBuilder builder) => builder.WithMetadata(Honoured);

    /// <summary>Whether the request carries a key that its endpoint deduplicates by.</summary>
    public static bool Deduplicates(HttpContext http) =>
        http.Request.Headers.ContainsKey(Header) && http.GetEndpoint()?.Metadata.GetMetadata<HonouredMarker>() is not null;

    private sealed class HonouredMarker;
}
