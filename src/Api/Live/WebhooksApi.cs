using System.Globalization;
using System.Net;
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
        string district, WebhookRequest request, HttpContext http, WebhookRegistry webhooks, WebhookSettings settings, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var url = CheckUrl(request.Url.Trim(), settings.AllowInsecureUrls);
        var events = CheckEvents(request.Events);
        var territory = request.Territory?.Trim() ?? district;
        if (!TerritoryCode.IsValid(territory) || DistrictCode.Of(territory) != district)
        {
            throw DomainException.Invalid("territory", $"territory is a territory code of district {district} (default: the district itself).");
        }

        var (webhook, secret) = await webhooks.RegisterAsync(district, territory, url, events, request.Description?.Trim(), http.Caller(), cancellationToken);
        return TypedResults.Created($"/api/v1/districts/{district}/webhooks/{webhook.Id}", new CreatedWebhookView(WebhookView.From(webhook), secret));
    }

    public static async Task<Ok<WebhookPage>> ListWebhooks(
        string district, string? cursor, int? limit, HttpContext http, WebhookRegistry webhooks, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var take = Paging.Limit(limit);
        if (cursor is not null && !WebhookRegistry.IsWebhookId(district, cursor))
        {
            throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        var page = await webhooks.ListAsync(district, http.Caller(), cursor, take + 1, cancellationToken);
        return TypedResults.Ok(new WebhookPage(
            page.Take(take).Select(WebhookView.From).ToArray(),
            page.Count > take ? page[take - 1].Id : null));
    }

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetWebhook(
        string district, string id, HttpContext http, WebhookRegistry webhooks, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        return await webhooks.FindAsync(district, id, http.Caller(), cancellationToken) is { } webhook
            ? TypedResults.Ok(WebhookView.From(webhook))
            : NoWebhook(id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(
        string district, string id, HttpContext http, WebhookRegistry webhooks, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        return await webhooks.DeleteAsync(district, id, http.Caller(), cancellationToken) ? TypedResults.NoContent() : NoWebhook(id);
    }

    public static async Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> ListDeadLetters(
        string district, string id, string? cursor, int? limit, HttpContext http, WebhookRegistry webhooks, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var take = Paging.Limit(limit);
        long after = 0;
        if (cursor is not null && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw DomainException.Invalid("cursor", "The cursor is the nextCursor of a previous page.");
        }

        return await webhooks.DeadLettersAsync(district, id, http.Caller(), after, take + 1, cancellationToken) is { } letters
            ? TypedResults.Ok(new DeadLetterPage(
                letters.Take(take).Select(DeadLetterView.From).ToArray(),
                letters.Count > take ? letters[take - 1].Position.ToString(CultureInfo.InvariantCulture) : null))
            : NoWebhook(id);
    }

    public static Task<Results<Accepted<ReplayView>, ProblemHttpResult>> ReplayAll(
        string district, string id, HttpContext http, WebhookRegistry webhooks, CancellationToken cancellationToken) =>
        ReplayAsync(district, id, null, http, webhooks, cancellationToken);

    public static Task<Results<Accepted<ReplayView>, ProblemHttpResult>> ReplayOne(
        string district, string id, string deliveryId, HttpContext http, WebhookRegistry webhooks, CancellationToken cancellationToken) =>
        ReplayAsync(district, id, deliveryId, http, webhooks, cancellationToken);

    private static async Task<Results<Accepted<ReplayView>, ProblemHttpResult>> ReplayAsync(
        string district, string id, string? deliveryId, HttpContext http, WebhookRegistry webhooks, CancellationToken cancellationToken)
    {
        RequireDistrict(district, http);
        var (outcome, count) = await webhooks.ReplayAsync(district, id, deliveryId, http.Caller(), cancellationToken);
        return outcome switch
        {
            ReplayOutcome.Replayed => TypedResults.Accepted($"/api/v1/districts/{district}/webhooks/{id}", new ReplayView(count)),
            ReplayOutcome.NotDead => Refusals.Conflict($"Delivery {deliveryId} is not a dead letter: it is pending or delivered."),
            ReplayOutcome.NoWebhook => NoWebhook(id),
            _ => NoDelivery(id, deliveryId),
        };
    }

    // Another district's webhook, or another app's, is not found either: nothing tells it exists.
    private static ProblemHttpResult NoWebhook(string id) => Refusals.NotFound($"Webhook {id} does not exist.");

    private static ProblemHttpResult NoDelivery(string id, string? deliveryId) => Refusals.NotFound($"Delivery {deliveryId} of webhook {id} does not exist.");

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

        if (!allowInsecure && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && WebhookAddresses.IsInternal(address))))
        {
            throw DomainException.Invalid("url", "url must not point at this machine or a private or link-local address.");
        }

        return uri.AbsoluteUri;
    }

    private static string[] CheckEvents(IReadOnlyList<string> events)
    {
        var types = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            var type = events[i]?.Trim() ?? "";
            if (type != StoredWebhook.AllEvents && !LiveJson.IsType(type))
            {
                throw DomainException.Invalid($"events[{i}]", $"'{type}' is not an event type; the types are {string.Join(", ", LiveJson.EventTypes)}, {string.Join(", ", Contracts.Decisions.DecisionEvents.Types)}, decision.* for every decision event, or * for all.");
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
