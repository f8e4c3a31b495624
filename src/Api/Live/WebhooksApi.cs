using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Live;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Live;

/// <summary>
/// Webhook subscriptions of a district and their dead letters (docs/live.md). District admins (and operators) manage
/// every webhook of the district; an app registers and manages its own, and its webhooks carry only the events of the
/// cases it reported.
/// </summary>
public static class WebhooksApi
{
    public const int MaxWebhooksPerDistrict = 100;

    public static void MapWebhooks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/districts/{district}/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Webhooks);

        group.MapPost("/", CreateWebhook)
            .WithName("CreateWebhook")
            .WithSummary("Register a webhook: a URL, event types (or *) and a territory")
            .WithDescription("Case events of the territory and everything below it are POSTed to the URL (https) as JSON, signed with HMAC-SHA256 (GridGov-Signature), retried with back-off, then dead-lettered. The signing secret is in this answer only. Events from now on are delivered.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", ListWebhooks)
            .WithName("ListWebhooks")
            .WithSummary("List the district's webhooks (an app: its own)")
            .WithDescription("Never the secrets. Pages with cursor and limit.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}", GetWebhook)
            .WithName("GetWebhook")
            .WithSummary("Read a webhook")
            .WithDescription("The URL, event types, territory, owner and creation time; never the secret.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", DeleteWebhook)
            .WithName("DeleteWebhook")
            .WithSummary("Delete a webhook with its pending deliveries and dead letters")
            .WithDescription("Nothing more is delivered to it (an attempt already under way finishes).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/dead-letters", ListDeadLetters)
            .WithName("ListWebhookDeadLetters")
            .WithSummary("The webhook's dead letters: deliveries whose attempts ran out")
            .WithDescription("Each with its delivery id, event, attempts, the last HTTP status or error, and the payload sent. Oldest event first; pages with cursor and limit.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/dead-letters/replay", ReplayAll)
            .WithName("ReplayWebhookDeadLetters")
            .WithSummary("Deliver every dead letter of the webhook again")
            .WithDescription("Each becomes due now with a fresh set of attempts, under its own delivery id.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/dead-letters/{deliveryId}/replay", ReplayOne)
            .WithName("ReplayWebhookDeadLetter")
            .WithSummary("Deliver one dead letter again")
            .WithDescription("The delivery becomes due now with a fresh set of attempts, under the same delivery id. A delivery that is not dead is a 409.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Created<CreatedWebhookView>> CreateWebhook(
        string district, WebhookRequest request, HttpContext http, IClusterClient cluster, WebhookStore store, WebhookSecrets secrets,
        CaseEventLog log, WebhookSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var caller = http.Caller();
        var url = CheckUrl(request.Url.Trim(), settings.AllowInsecureUrls);
        var events = CheckEvents(request.Events);
        var territory = request.Territory?.Trim() ?? district;
        if (!TerritoryCode.IsValid(territory) || DistrictCode.Of(territory) != district)
        {
            throw DomainException.Invalid("territory", $"territory is a territory code of district {district} (default: the district itself).");
        }

        if (await cluster.GetGrain<ITerritoryGrain>(territory).GetAsync() is null)
        {
            throw DomainException.Invalid("territory", $"Territory {territory} does not exist.");
        }

        if (await store.CountAsync(district, cancellationToken) >= MaxWebhooksPerDistrict)
        {
            throw DomainException.Conflict($"District {district} has {MaxWebhooksPerDistrict} webhooks, the most it may have; delete one first.");
        }

        var id = $"{district}-WH{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var secret = WebhookSecrets.New();
        var webhook = new StoredWebhook(
            id, district, territory, url, events, request.Description?.Trim(), secrets.Seal(id, secret), caller.Subject, caller.Role,
            time.GetUtcNow(), await log.LastPositionAsync(cancellationToken));
        await store.InsertAsync(webhook, cancellationToken);
        return TypedResults.Created(
            $"/api/v1/districts/{district}/webhooks/{id}",
            new CreatedWebhookView(id, district, territory, url, events, webhook.Description, webhook.Owner, webhook.CreatedAt, secret));
    }

    public static async Task<Ok<WebhookPage>> ListWebhooks(
        string district, string? cursor, int? limit, HttpContext http, WebhookStore store, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var take = Paging.Limit(limit);
        if (cursor is not null && !IsWebhookId(district, cursor))
        {
            throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        var caller = http.Caller();
        var webhooks = await store.ListAsync(district, caller.Role == Roles.App ? caller.Subject : null, cursor, take + 1, cancellationToken);
        return TypedResults.Ok(new WebhookPage(
            webhooks.Take(take).Select(WebhookView.From).ToArray(),
            webhooks.Count > take ? webhooks[take - 1].Id : null));
    }

    public static async Task<Ok<WebhookView>> GetWebhook(string district, string id, HttpContext http, WebhookStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(WebhookView.From(await FindAsync(district, id, http, store, cancellationToken)));

    public static async Task<NoContent> DeleteWebhook(string district, string id, HttpContext http, WebhookStore store, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(district, id, http, store, cancellationToken);
        return await store.DeleteAsync(webhook.Id, cancellationToken)
            ? TypedResults.NoContent()
            : throw DomainException.NotFound($"Webhook {id} does not exist.");
    }

    public static async Task<Ok<DeadLetterPage>> ListDeadLetters(
        string district, string id, string? cursor, int? limit, HttpContext http, WebhookStore store, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(district, id, http, store, cancellationToken);
        var take = Paging.Limit(limit);
        long after = 0;
        if (cursor is not null && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        var letters = await store.DeliveriesAsync(webhook.Id, DeliveryStatus.Dead, after, take + 1, cancellationToken);
        return TypedResults.Ok(new DeadLetterPage(
            letters.Take(take).Select(DeadLetterView.From).ToArray(),
            letters.Count > take ? letters[take - 1].Position.ToString(CultureInfo.InvariantCulture) : null));
    }

    public static async Task<Accepted<ReplayView>> ReplayAll(
        string district, string id, HttpContext http, WebhookStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(district, id, http, store, cancellationToken);
        var (_, count) = await store.ReplayAsync(webhook.Id, null, time.GetUtcNow(), cancellationToken);
        return TypedResults.Accepted($"/api/v1/districts/{district}/webhooks/{webhook.Id}", new ReplayView(count));
    }

    public static async Task<Accepted<ReplayView>> ReplayOne(
        string district, string id, string deliveryId, HttpContext http, WebhookStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(district, id, http, store, cancellationToken);
        if (!Guid.TryParseExact(deliveryId, "D", out _))
        {
            throw DomainException.NotFound($"Delivery {deliveryId} of webhook {id} does not exist.");
        }

        var (outcome, count) = await store.ReplayAsync(webhook.Id, deliveryId, time.GetUtcNow(), cancellationToken);
        return outcome switch
        {
            ReplayOutcome.Replayed => TypedResults.Accepted($"/api/v1/districts/{district}/webhooks/{webhook.Id}", new ReplayView(count)),
            ReplayOutcome.NotDead => throw DomainException.Conflict($"Delivery {deliveryId} is not a dead letter: it is pending or delivered."),
            _ => throw DomainException.NotFound($"Delivery {deliveryId} of webhook {id} does not exist."),
        };
    }

    /// <summary>The webhook of the district the caller may manage: another district's, or another app's, does not exist.</summary>
    private static async Task<StoredWebhook> FindAsync(string district, string id, HttpContext http, WebhookStore store, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var caller = http.Caller();
        var webhook = IsWebhookId(district, id) ? await store.FindAsync(id, cancellationToken) : null;
        return webhook is not null && webhook.District == district && (caller.Role != Roles.App || webhook.Owner == caller.Subject)
            ? webhook
            : throw DomainException.NotFound($"Webhook {id} does not exist.");
    }

    private static bool IsWebhookId(string district, string id) =>
        id.Length == district.Length + 3 + 12 && id.StartsWith(district + "-WH", StringComparison.Ordinal)
        && !id.AsSpan(district.Length + 3).ContainsAnyExcept("0123456789abcdef");

    private static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }

    /// <summary>An absolute https URL without credentials; not an address of this machine or a private network (unless insecure URLs are allowed).</summary>
    private static string CheckUrl(string url, bool allowInsecure)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw DomainException.Invalid("url", "url is an absolute https URL.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !allowInsecure)
        {
            throw DomainException.Invalid("url", "url must use https (deliveries carry case data).");
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            throw DomainException.Invalid("url", "url carries no user name, password or fragment.");
        }

        if (!allowInsecure && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && IsInternal(address))))
        {
            throw DomainException.Invalid("url", "url must not point at this machine or a private or link-local address.");
        }

        return uri.AbsoluteUri;
    }

    private static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] == 0;
    }

    private static string[] CheckEvents(IReadOnlyList<string> events)
    {
        var types = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            var type = events[i]?.Trim() ?? "";
            if (type != StoredWebhook.AllEvents && !LiveJson.EventTypes.Contains(type))
            {
                throw DomainException.Invalid($"events[{i}]", $"'{type}' is not an event type; the types are {string.Join(", ", LiveJson.EventTypes)}, or * for all.");
            }

            if (!types.Contains(type))
            {
                types.Add(type);
            }
        }

        if (types.Count == 0)
        {
            throw DomainException.Invalid("events", "events names at least one event type, or *.");
        }

        return types.Contains(StoredWebhook.AllEvents) ? [StoredWebhook.AllEvents] : [.. types];
    }
}
