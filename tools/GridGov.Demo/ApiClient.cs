using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridGov.Demo;

/// <summary>The answer to one request: status, body text and ETag (the entity's version).</summary>
internal sealed record ApiResponse(HttpMethod Method, string Path, int Status, string Body, long? Version)
{
    public bool Ok => Status is >= 200 and < 300;

    public T Read<T>() => JsonSerializer.Deserialize<T>(Body, ApiClient.Json)
        ?? throw new InvalidOperationException($"{Method} {Path} answered {Status} with an empty body.");
}

/// <summary>
/// GridGov's HTTP API with the operator key: paced below the key's rate limit, waits out a 429 as its Retry-After
/// says, retries a request that never got an answer (connection refused or reset, timeout) a few times, and a 503
/// too when the request may be repeated (reads, the territory import, a report with its Idempotency-Key). Every
/// other answer, error or not, goes back to the caller as it came.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private const int MaxThrottledRetries = 50;
    private const int MaxTransportRetries = 4;
    private const int MaxUnavailableRetries = 5;

    private readonly HttpClient _http;
    private readonly Pacer _pacer;
    private long _requests;
    private long _throttled;
    private long _retried;

    public ApiClient(Uri baseAddress, string key, int connections, double requestsPerSecond)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", key);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _pacer = new Pacer(requestsPerSecond);
    }

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Answers 429 Too Many Requests that were waited out and sent again.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Requests sent again after getting no answer at all, or a 503 where sending again is safe.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    public Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, null, null, cancellationToken, repeatable: true);

    /// <summary>PUT with <c>If-Match</c>: version 0 creates only, a version n updates only that version.</summary>
    public Task<ApiResponse> PutAsync(string path, object body, long? ifMatch, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, Serialize(body), "application/json", ifMatch, cancellationToken);

    public Task<ApiResponse> PostAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, Serialize(body), "application/json", null, cancellationToken);

    /// <summary>POST with an <c>Idempotency-Key</c>: a replay of the same request answers what the first one made.</summary>
    public Task<ApiResponse> PostOnceAsync(string path, object body, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, Serialize(body), "application/json", null, cancellationToken, idempotencyKey, repeatable: true);

    /// <summary>A POST that may be sent again (an import, which changes nothing the second time).</summary>
    public Task<ApiResponse> PostRawAsync(string path, byte[] body, string contentType, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, contentType, null, cancellationToken, repeatable: true);

    public void Dispose() => _http.Dispose();

    private static byte[] Serialize(object body) => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, byte[]? body, string? contentType, long? ifMatch, CancellationToken cancellationToken, string? idempotencyKey = null, bool repeatable = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            await _pacer.WaitAsync(cancellationToken);
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            if (ifMatch is { } version)
            {
                request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
            }

            Interlocked.Increment(ref _requests);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (attempt <= MaxTransportRetries && !cancellationToken.IsCancellationRequested
                                      && e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _retried);
                await Task.Delay(TimeSpan.FromSeconds(1 << (attempt - 1)), cancellationToken);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt <= MaxThrottledRetries)
                {
                    Interlocked.Increment(ref _throttled);
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    await Task.Delay(wait, cancellationToken);
                    continue;
                }

                // A 503 says the request may or may not have taken effect: only a request that may be repeated is sent
                // again here; the caller of any other finds out what happened (the case loader reads the history).
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && repeatable && attempt <= MaxUnavailableRetries)
                {
                    Interlocked.Increment(ref _retried);
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1 << Math.Min(attempt, 4));
                    await Task.Delay(wait, cancellationToken);
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var etag = response.Headers.ETag?.Tag;
                long? versionOut = etag is not null && long.TryParse(etag.Trim('"'), out var v) ? v : null;
                return new ApiResponse(method, path, (int)response.StatusCode, text, versionOut);
            }
        }
    }

    /// <summary>
    /// Spaces requests evenly at a fixed rate (no bursts), so the key's token bucket is never emptied and the server
    /// never has to refuse; 0 or less means no pacing.
    /// </summary>
    private sealed class Pacer(double perSecond)
    {
        private readonly Lock _lock = new();
        private readonly long _interval = perSecond > 0 ? (long)(Stopwatch.Frequency / perSecond) : 0;
        private long _next;

        public Task WaitAsync(CancellationToken cancellationToken)
        {
            if (_interval == 0)
            {
                return Task.CompletedTask;
            }

            long slot;
            var now = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                slot = Math.Max(_next, now);
                _next = slot + _interval;
            }

            return slot <= now ? Task.CompletedTask : Task.Delay(Stopwatch.GetElapsedTime(now, slot), cancellationToken);
        }
    }
}

/// <summary>A request's body as text for an error report: the problem JSON, or its beginning when it is long.</summary>
internal static class ProblemText
{
    public static string Of(ApiResponse response)
    {
        var body = response.Body.Trim();
        return body.Length == 0 ? "(no body)" : body.Length <= 2000 ? body : body[..2000] + $"… ({Encoding.UTF8.GetByteCount(body)} bytes)";
    }
}
