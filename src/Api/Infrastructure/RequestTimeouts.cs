using System.Globalization;
using GridGov.Hosting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// Every request has a deadline (<c>GridGov:RequestTimeout</c>, default 30 s): when it passes, whatever the request
/// awaits with its <see cref="HttpContext.RequestAborted"/> token is cancelled and the client gets a 503 with
/// Retry-After, as for any other "try again later". Grain calls take no token; they end at Orleans' response timeout
/// (30 s) and a database that does not answer at GridGov's Npgsql timeouts (5 s to connect, 15 s a command), so a
/// call stuck on the database becomes a 503 well before the deadline. Server-sent event streams and imports opt out:
/// they are long by design.
/// </summary>
public static class RequestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    /// <summary>Reads <c>GridGov:RequestTimeout</c>; a wrong value is a configuration error naming the setting.</summary>
    public static void AddGridGovRequestTimeouts(this WebApplicationBuilder builder)
    {
        var timeout = Parse(builder.Configuration[$"{GridGovSettings.Section}:RequestTimeout"]);
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = timeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = WriteProblemAsync,
        });
    }

    internal static TimeSpan Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var timeout) && timeout >= TimeSpan.FromSeconds(1) && timeout <= TimeSpan.FromMinutes(10)
            ? timeout
            : throw new GridGovConfigurationException(
                $"GridGov:RequestTimeout (GridGov__RequestTimeout) must be a time span from 00:00:01 to 00:10:00, e.g. 00:00:30; got '{value}'.");
    }

    /// <summary>
    /// Turns a cancellation by the deadline into a <see cref="TimeoutException"/>, which the exception handler answers
    /// with the same 503 as any other unavailability (and the audit filter records as such). The timeouts middleware
    /// writes its own answer only for a cancellation of <see cref="HttpContext.RequestAborted"/> itself; a grain call
    /// abandoned through the deadline's own token (<see cref="RequestDeadlineCallFilter"/>) would otherwise be a 500.
    /// </summary>
    public static async Task DeadlineIsUnavailable(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException e) when (context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true)
        {
            throw new TimeoutException("The request did not finish within its timeout.", e);
        }
    }

    private static async Task WriteProblemAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = ((int)Unavailability.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is briefly unavailable.",
                Detail = "The request did not finish within the server's request timeout, so it may not have taken effect. Retry it after the time in Retry-After (a case report with the same Idempotency-Key).",
            },
        });
    }
}
