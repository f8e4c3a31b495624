using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using GridGov.Hosting.Security;
using GridGov.Hosting.Telemetry;
using Microsoft.AspNetCore.Mvc;

namespace GridGov.Api.Security;

/// <summary>
/// A token bucket per API key (its role's <see cref="RateLimit"/>), and per client address for requests without a
/// valid key (which slows down key guessing). Every request passes here, so a bucket is found with one lookup and
/// taken from under its own short lock: ASP.NET Core's partitioned limiter took a lock shared by every key on each
/// request, and its partition allocated a key string and a factory (docs/benchmarks.md, "Read paths").
/// </summary>
internal sealed class RateLimits(AuthSettings auth, TimeProvider time, GridGovMetrics metrics)
{
    /// <summary>Above this many buckets, the full ones (idle long enough to have refilled) are forgotten.</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Bucket> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPAddress, Bucket> _addresses = new();
    private readonly RateLimit _anonymous = auth.RateLimits[AuthSettings.Anonymous];
    private int _sweeping;

    public Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var caller = http.User.Caller();
        var now = time.GetTimestamp();
        Bucket bucket;
        if (caller is not null)
        {
            var limit = auth.RateLimits.TryGetValue(caller.Role, out var l) ? l : _anonymous;
            if (!_keys.TryGetValue(caller.Subject, out bucket!) || bucket.Limit != limit)
            {
                // A key's role is fixed, but configuration may change its role's limit: then it starts a new bucket.
                bucket = _keys.AddOrUpdate(
                    caller.Subject,
                    static (_, state) => new Bucket(state.Limit, state.Now),
                    static (_, old, state) => old.Limit == state.Limit ? old : new Bucket(state.Limit, state.Now),
                    (Limit: limit, Now: now));
                SweepIfMany(now);
            }
        }
        else
        {
            var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
            if (!_addresses.TryGetValue(address, out bucket!))
            {
                bucket = _addresses.GetOrAdd(address, static (_, state) => new Bucket(state.Limit, state.Now), (Limit: _anonymous, Now: now));
                SweepIfMany(now);
            }
        }

        return bucket.TryTake(now, time.TimestampFrequency, out var retryAfter)
            ? next(http)
            : RejectAsync(http, caller?.Role, retryAfter);
    }

    private async Task RejectAsync(HttpContext http, string? role, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        metrics.RateLimited(role);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"This key's rate limit is spent; retry after {seconds} s.",
            },
        });
    }

    /// <summary>
    /// Only a new bucket makes the buckets more, so only then are they counted: a dictionary's count takes all its locks,
    /// which no request that finds its bucket should pay.
    /// </summary>
    private void SweepIfMany(long now)
    {
        if (_keys.Count + _addresses.Count > SweepAbove)
        {
            Sweep(now);
        }
    }

    private void Sweep(long now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (key, bucket) in _keys)
            {
                if (bucket.IsFull(now, time.TimestampFrequency))
                {
                    _keys.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
                }
            }

            foreach (var (address, bucket) in _addresses)
            {
                if (bucket.IsFull(now, time.TimestampFrequency))
                {
                    _addresses.TryRemove(new KeyValuePair<IPAddress, Bucket>(address, bucket));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>Refills continuously at the limit's rate up to its burst; one token per request.</summary>
    private sealed class Bucket(RateLimit limit, long now)
    {
        private readonly Lock _lock = new();
        private double _tokens = limit.Burst;
        private long _at = now;

        public RateLimit Limit => limit;

        public bool TryTake(long now, long frequency, out TimeSpan retryAfter)
        {
            lock (_lock)
            {
                Refill(now, frequency);
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds((1 - _tokens) / limit.PermitsPerSecond);
                return false;
            }
        }

        /// <summary>Forgetting a full bucket loses nothing: a new one starts full too.</summary>
        public bool IsFull(long now, long frequency)
        {
            lock (_lock)
            {
                Refill(now, frequency);
                return _tokens >= limit.Burst;
            }
        }

        private void Refill(long now, long frequency)
        {
            if (now > _at)
            {
                _tokens = Math.Min(limit.Burst, _tokens + ((double)(now - _at) / frequency * limit.PermitsPerSecond));
                _at = now;
            }
        }
    }
}
