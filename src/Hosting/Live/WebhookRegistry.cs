using System.Security.Cryptography;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting.Live;

/// <summary>
/// A district's webhooks as a caller may manage them: district admins and operators every webhook of the district, an
/// app only its own; another district's webhook, or another app's, does not exist for the caller. Each operation is one
/// call for the API's handlers, which check their input and map the answer.
/// </summary>
public sealed class WebhookRegistry(WebhookStore store, CaseEventLog log, WebhookSecrets secrets, IClusterClient grains, TimeProvider time)
{
    public const int MaxPerDistrict = 100;

    /// <summary>
    /// Registers a webhook of <paramref name="caller"/> for an existing territory of the district, within the district's
    /// limit, starting after the log's current end (events from now on), and answers it with its secret, which is
    /// stored only sealed.
    /// </summary>
    public async Task<(StoredWebhook Webhook, string Secret)> RegisterAsync(
        string district, string territory, string url, IReadOnlyList<string> events, string? description, CallerContext caller, CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<ITerritoryGrain>(territory).GetAsync() is null)
        {
            throw DomainException.Invalid("territory", $"Territory {territory} does not exist.");
        }

        if (await store.CountAsync(district, cancellationToken) >= MaxPerDistrict)
        {
            throw DomainException.Conflict($"District {district} has {MaxPerDistrict} webhooks, the most it may have; delete one first.");
        }

        var id = $"{district}-WH{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var secret = WebhookSecrets.New();
        var webhook = new StoredWebhook(
            id, district, territory, url, events, description, secrets.Seal(id, secret), caller.Subject, caller.Role,
            time.GetUtcNow(), await log.LastPositionAsync(cancellationToken));
        await store.InsertAsync(webhook, cancellationToken);
        return (webhook, secret);
    }

    /// <summary>The district's webhooks the caller may see, by id after the cursor.</summary>
    public Task<IReadOnlyList<StoredWebhook>> ListAsync(string district, CallerContext caller, string? after, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(district, OnlyOwner(caller), after, limit, cancellationToken);

    /// <summary>The webhook, or null when it does not exist for the caller.</summary>
    public async Task<StoredWebhook?> FindAsync(string district, string id, CallerContext caller, CancellationToken cancellationToken)
    {
        var webhook = IsWebhookId(district, id) ? await store.FindAsync(id, cancellationToken) : null;
        return webhook is not null && webhook.District == district && (OnlyOwner(caller) is not { } owner || webhook.Owner == owner)
            ? webhook
            : null;
    }

    /// <summary>Deletes the webhook with its deliveries; false when it does not exist for the caller.</summary>
    public async Task<bool> DeleteAsync(string district, string id, CallerContext caller, CancellationToken cancellationToken) =>
        await FindAsync(district, id, caller, cancellationToken) is { } webhook && await store.DeleteAsync(webhook.Id, cancellationToken);

    /// <summary>The webhook's dead letters by position after the cursor; null when the webhook does not exist for the caller.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>?> DeadLettersAsync(
        string district, string id, CallerContext caller, long after, int limit, CancellationToken cancellationToken) =>
        await FindAsync(district, id, caller, cancellationToken) is { } webhook
            ? await store.DeliveriesAsync(webhook.Id, DeliveryStatus.Dead, after, limit, cancellationToken)
            : null;

    /// <summary>
    /// Makes the webhook's dead letter (or, with no delivery id, all of them) due again now. A delivery id that is not
    /// one (a GUID) names no delivery, and is never sent to the database.
    /// </summary>
    public async Task<(ReplayOutcome Outcome, int Count)> ReplayAsync(
        string district, string id, string? deliveryId, CallerContext caller, CancellationToken cancellationToken) =>
        await FindAsync(district, id, caller, cancellationToken) is not { } webhook ? (ReplayOutcome.NoWebhook, 0)
        : deliveryId is not null && !Guid.TryParseExact(deliveryId, "D", out _) ? (ReplayOutcome.NotFound, 0)
        : await store.ReplayAsync(webhook.Id, deliveryId, time.GetUtcNow(), cancellationToken);

    /// <summary>Whether <paramref name="id"/> has the form of a webhook id of the district (the page cursor is one too).</summary>
    public static bool IsWebhookId(string district, string id) =>
        id.Length == district.Length + 3 + 12 && id.StartsWith(district + "-WH", StringComparison.Ordinal)
        && !id.AsSpan(district.Length + 3).ContainsAnyExcept("0123456789abcdef");

    /// <summary>An app manages only its own webhooks; everyone else every webhook of the district.</summary>
    private static string? OnlyOwner(CallerContext caller) => caller.Role == Roles.App ? caller.Subject : null;
}
