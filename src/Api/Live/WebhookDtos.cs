using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using GridGov.Hosting.Live;

namespace GridGov.Api.Live;

/// <summary>A webhook to register: where to POST, which event types (or <c>*</c>), and the territory (default: the district).</summary>
public sealed record WebhookRequest(
    [property: Required, StringLength(2000, MinimumLength = 1)] string Url,
    [property: Required, MinLength(1), MaxLength(32)] IReadOnlyList<string> Events,
    [property: StringLength(17, MinimumLength = 6)] string? Territory = null,
    [property: StringLength(200)] string? Description = null);

/// <summary>A webhook as registered (never its secret).</summary>
public sealed record WebhookView(
    string Id,
    string District,
    string Territory,
    string Url,
    IReadOnlyList<string> Events,
    string? Description,
    string Owner,
    DateTimeOffset CreatedAt)
{
    public static WebhookView From(StoredWebhook w) => new(w.Id, w.District, w.Territory, w.Url, w.Events, w.Description, w.Owner, w.CreatedAt);
}

/// <summary>A new webhook: <c>secret</c> signs its deliveries and is shown only in this answer.</summary>
public sealed record CreatedWebhookView(
    string Id,
    string District,
    string Territory,
    string Url,
    IReadOnlyList<string> Events,
    string? Description,
    string Owner,
    DateTimeOffset CreatedAt,
    string Secret);

public sealed record WebhookPage(IReadOnlyList<WebhookView> Items, string? NextCursor);

/// <summary>A delivery whose attempts ran out: what was sent, how often, and how the last attempt failed.</summary>
public sealed record DeadLetterView(
    string DeliveryId,
    string WebhookId,
    long Position,
    string Event,
    int Attempts,
    int? LastStatus,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeadAt,
    JsonElement Payload)
{
    public static DeadLetterView From(WebhookDelivery d) => new(
        d.Id, d.WebhookId, d.Position, d.EventType, d.Attempts, d.LastStatus, d.LastError, d.CreatedAt, d.FinishedAt, Parse(d.Payload));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

public sealed record DeadLetterPage(IReadOnlyList<DeadLetterView> Items, string? NextCursor);

/// <summary>How many dead letters were made due again.</summary>
public sealed record ReplayView(int Replayed);
