using System.Buffers;
using System.Globalization;
using System.Text;
using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Live;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace GridGov.Api.Live;

/// <summary>
/// <c>GET /api/v1/territory/{code}/events</c>: the case events of a node and everything below it as server-sent events
/// (docs/live.md). Every stream is a subscriber of the process's one <see cref="CaseEventTailer"/>.
/// </summary>
public static partial class LiveEventsApi
{
    public const string LastEventIdHeader = "Last-Event-ID";

    private const int BacklogPage = 500;

    public static void MapLiveEvents(this RouteGroupBuilder api)
    {
        api.MapGet("/territory/{code}/events", StreamEvents)
            .WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeoutAttribute())
            .WithTags("Live")
            .RequireAuthorization(Policies.LiveEvents)
            .WithName("StreamTerritoryEvents")
            .WithSummary("Stream the case events of a node and everything under it (server-sent events)")
            .WithDescription(
                "text/event-stream of messages `id: {position}`, `event: case`, `data: {json}` (the event, the case after it, no personal data). " +
                "Resume with the Last-Event-ID header (or the lastEventId query parameter) to get exactly the events missed since; an `event: reset` " +
                "message says they are no longer kept (reload). Without it the stream starts now. Comments keep the connection alive; a client that " +
                "falls too far behind is disconnected and resumes. Apps receive only the events of the cases they reported. " +
                "A village's decision events come as `event: decision` (docs/party.md).")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task StreamEvents(
        string code,
        [FromHeader(Name = LastEventIdHeader)] string? lastEventIdHeader,
        string? lastEventId,
        HttpContext http,
        IClusterClient cluster,
        CaseEventTailer tailer,
        CaseEventLog log,
        LiveSettings settings,
        AuthSettings auth,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var resume = ParseResume(lastEventIdHeader, lastEventId);
        await TerritoryApi.RequireNodeAsync(code, http, cluster);

        var caller = http.Caller();
        Func<LiveEntry, bool>? filter = caller.Role == Roles.App ? e => e.IsOf(caller.Subject) : null;
        var cancellationToken = http.RequestAborted;
        var logger = loggers.CreateLogger(typeof(LiveEventsApi).FullName!);
        try
        {
            using var subscription = await tailer.SubscribeAsync(code, filter, cancellationToken);
            var stream = new EventStream(http.Response);
            stream.Start(settings.ReconnectHint);

            long lastSent;
            var pruned = resume is null ? 0 : await log.PrunedThroughAsync(cancellationToken);
            if (resume is not { } from)
            {
                // Tells the client where it started, so even a reconnection before the first event misses nothing.
                stream.Comment("live from now");
                stream.Id(subscription.After);
                lastSent = subscription.After;
            }
            else if (from < pruned)
            {
                stream.Message(subscription.After, "reset", Encoding.UTF8.GetBytes(
                    string.Create(CultureInfo.InvariantCulture, $$"""{"reason":"The events after {{from}} are no longer kept; reload and continue from here.","prunedThrough":{{pruned}}}""")));
                lastSent = subscription.After;
            }
            else
            {
                lastSent = Math.Max(from, subscription.After);
                if (from < subscription.After)
                {
                    await tailer.WhenSettledAsync(subscription, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    await ReplayAsync(stream, log, code, from, subscription.After, filter, cancellationToken);
                }
            }

            await stream.FlushAsync(cancellationToken);
            await FollowAsync(stream, subscription, lastSent, http, cluster, auth, settings, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (http.Response.HasStarted)
        {
            // The stream has begun: end it; the client resumes from its last id.
            LogStreamFailed(logger, e, code);
        }
    }

    /// <summary>The resume position, from the header or else the query; a value that is not a position is a 400.</summary>
    private static long? ParseResume(string? header, string? query)
    {
        // A blank value is no value (a client with nothing to resume from may still send the header).
        var (value, field) = !string.IsNullOrWhiteSpace(header) ? (header, LastEventIdHeader) : (query, "lastEventId");
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw DomainException.Invalid(field, $"{field} is the id of an event of this stream (a whole number, 0 or more), not '{value}'.");
    }

    /// <summary>The events of the subtree in (from, through] from the log, page by page.</summary>
    private static async Task ReplayAsync(
        EventStream stream, CaseEventLog log, string code, long from, long through, Func<LiveEntry, bool>? filter, CancellationToken cancellationToken)
    {
        var cursor = from;
        while (true)
        {
            var page = await log.ReadSubtreeAsync(code, cursor, through, BacklogPage, cancellationToken);
            foreach (var entry in page)
            {
                if (entry.Json.Length > 0 && (filter is null || filter(entry)))
                {
                    stream.Case(entry);
                }

                cursor = entry.Position;
            }

            await stream.FlushAsync(cancellationToken);
            if (page.Count < BacklogPage)
            {
                return;
            }
        }
    }

    /// <summary>Live events until the client leaves, its key stops being valid, or it falls too far behind.</summary>
    private static async Task FollowAsync(
        EventStream stream, LiveSubscription subscription, long lastSent, HttpContext http, IClusterClient cluster, AuthSettings auth,
        LiveSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var events = subscription.Events;
        Task<bool>? waiting = null;

        // One timer for the whole stream: a keep-alive (and a check of the key) every interval, however busy the stream.
        Task? tick = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                var wrote = false;
                while (events.TryRead(out var entry))
                {
                    if (entry.Position > lastSent)
                    {
                        stream.Case(entry);
                        lastSent = entry.Position;
                        wrote = true;
                    }
                }

                if (wrote)
                {
                    await stream.FlushAsync(cancellationToken);
                }

                if (events.Completion.IsCompleted)
                {
                    if (subscription.Overflowed)
                    {
                        stream.Comment("too far behind: reconnect with Last-Event-ID");
                        await stream.FlushAsync(cancellationToken);
                    }

                    return;
                }

                waiting ??= events.WaitToReadAsync(stop.Token).AsTask();
                tick ??= Task.Delay(settings.KeepAlive, time, stop.Token);
                if (await Task.WhenAny(waiting, tick) == waiting)
                {
                    await waiting;
                    waiting = null;
                    continue;
                }

                await tick;
                tick = null;
                if (!await KeyIsValidAsync(http, cluster, auth))
                {
                    return;
                }

                stream.Comment("keep-alive");
                await stream.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            // Ends the pending wait and timer with the stream.
            await stop.CancelAsync();
        }
    }

    /// <summary>The stream's key is checked again at every keep-alive, so a revoked or expired key's stream ends.</summary>
    private static async Task<bool> KeyIsValidAsync(HttpContext http, IClusterClient cluster, AuthSettings auth)
    {
        var key = http.Request.Headers[ApiKeyAuthenticationHandler.Header].ToString().Trim();
        if (auth.BootstrapApiKey is { } bootstrap && key == bootstrap)
        {
            return true;
        }

        return ApiKeyFormat.TryParse(key, out var id, out var secret)
            && await cluster.GetGrain<IApiKeyGrain>(id).AuthenticateAsync(ApiKeyFormat.Hash(secret)) is not null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event stream of {Territory} failed and was closed; the client resumes from its last id")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, string territory);

    /// <summary>Writes the text/event-stream format to the response, unbuffered.</summary>
    private sealed class EventStream(HttpResponse response)
    {
        private static readonly byte[] CaseHeader = "\nevent: case\ndata: "u8.ToArray();
        private static readonly byte[] End = "\n\n"u8.ToArray();

        public void Start(TimeSpan reconnect)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache, no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            Text(string.Create(CultureInfo.InvariantCulture, $"retry: {(long)reconnect.TotalMilliseconds}\n\n"));
        }

        public void Case(LiveEntry entry)
        {
            if (entry.Type.StartsWith(Contracts.Decisions.DecisionEvents.Prefix, StringComparison.Ordinal))
            {
                Message(entry.Position, "decision", entry.Json.Span);
                return;
            }

            Text(string.Create(CultureInfo.InvariantCulture, $"id: {entry.Position}"));
            response.BodyWriter.Write(CaseHeader);
            response.BodyWriter.Write(entry.Json.Span);
            response.BodyWriter.Write(End);
        }

        public void Message(long id, string type, ReadOnlySpan<byte> json)
        {
            Text(string.Create(CultureInfo.InvariantCulture, $"id: {id}\nevent: {type}\ndata: "));
            response.BodyWriter.Write(json);
            response.BodyWriter.Write(End);
        }

        /// <summary>An id alone: sets the client's last event id without dispatching an event.</summary>
        public void Id(long id) => Text(string.Create(CultureInfo.InvariantCulture, $"id: {id}\n\n"));

        public void Comment(string text) => Text($": {text}\n\n");

        public async Task FlushAsync(CancellationToken cancellationToken) => await response.BodyWriter.FlushAsync(cancellationToken);

        private void Text(string text) => response.BodyWriter.Write(Encoding.UTF8.GetBytes(text));
    }
}
