using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridGov.Hosting.Live;

namespace GridGov.Api.Live;

/// <summary>A webhook to register: where to POST, which event types (or <c>*</c>), and the territory (default: the district).</summary>
public sealed record WebhookRequest(
    [property: Required, StringLength(2000, MinimumLength = 1)] string Url,
    [property: Required, MinLength(1), MaxLength(32)] IReadOnlyList<string> Events,
    [property: StringLength(17, MinimumLength = 6)] string? Territory = null,
    [property: StringLength(200)] string? Description = null);

/// <summary>A webhook as registered (never its secret).</summary>
public record WebhookView
{
    public required string Id { get; init; }

    public required string District { get; init; }

    public required string Territory { get; init; }

    public required string Url { get; init; }

    public required IReadOnlyList<string> Events { get; init; }

    public required string? Description { get; init; }

    public required string Owner { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public static WebhookView From(StoredWebhook w) => new()
    {
        Id = w.Id,
        District = w.District,
        Territory = w.Territory,
        Url = w.Url,
        Events = w.Events,
        Description = w.Description,
        Owner = w.Owner,
        CreatedAt = w.CreatedAt,
    };
}

/// <summary>A new webhook: the webhook as registered, then <c>secret</c>, which signs its deliveries and is shown only in this answer.</summary>
public sealed record CreatedWebhookView : WebhookView
{
    [SetsRequiredMembers]
    internal CreatedWebhookView(WebhookView webhook, string secret)
        : base(webhook) => Secret = secret;

    [JsonPropertyOrder(1)]
    public required string Secret { get; init; }
}

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
