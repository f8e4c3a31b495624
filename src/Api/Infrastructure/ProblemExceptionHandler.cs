using System.Text.Json;
using System.Text.RegularExpressions;
using GridGov.Contracts.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// Turns every exception into RFC 9457 ProblemDetails: domain refusals and unreadable requests into 4xx naming the
/// field, a cluster or database that does not answer into a 503 with Retry-After, anything else into a 500 that says
/// nothing of the internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            DomainException e => FromDomain(e),
            BadHttpRequestException { InnerException: JsonException json } => BadJson(json),
            BadHttpRequestException e when BindFailure().Match(e.Message) is { Success: true } m => new ValidationProblemDetails(
                new Dictionary<string, string[]> { [m.Groups["name"].Value] = [$"'{m.Groups["value"].Value}' is not a valid value."] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
                Detail = $"{m.Groups["name"].Value}: '{m.Groups["value"].Value}' is not a valid value.",
            },
            BadHttpRequestException e => new ProblemDetails
            {
                Status = e.StatusCode,
                Title = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.",
                Detail = e.Message,
            },
            JsonException json => BadJson(json),
            // A form that cannot be read is the client's error: over one of the form reader's limits (a field of more
            // than 4 MiB, too many fields) it is too large, else malformed (a broken multipart body).
            InvalidDataException e when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge, Title = "The request body is too large.", Detail = e.Message,
            },
            InvalidDataException e => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The request is malformed.", Detail = e.Message },
            // A multipart body that ends before its closing boundary: the form reader (WebUtilities) meets the end of
            // the stream. The client sent a truncated form; a connection the client dropped never gets an answer anyway.
            IOException e when e.TargetSite?.DeclaringType?.Namespace == "Microsoft.AspNetCore.WebUtilities" => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest, Title = "The request is malformed.", Detail = "The form ends before its closing boundary.",
            },
            Contracts.Security.UnauthorizedCallException => new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden.",
                Detail = "The call was refused by the cluster's caller check.",
            },
            _ when Unavailability.IsTransient(exception) => Unavailable(context, exception),
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(logger, exception, context.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Detail = "The error has been logged; quote the traceId when reporting it.",
            };
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    internal static ProblemDetails FromDomain(DomainException e)
    {
        var (status, title) = e.Kind switch
        {
            DomainErrorKind.Validation => (StatusCodes.Status400BadRequest, "One or more fields are invalid."),
            DomainErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found."),
            DomainErrorKind.Conflict => (StatusCodes.Status409Conflict, "The request conflicts with the current state."),
            DomainErrorKind.PreconditionFailed => (StatusCodes.Status412PreconditionFailed, "The entity has changed since you read it."),
            DomainErrorKind.Forbidden => (StatusCodes.Status403Forbidden, "Forbidden."),
            _ => (StatusCodes.Status400BadRequest, "The request was refused."),
        };
        var problem = e.Field is null
            ? new ProblemDetails()
            : new ValidationProblemDetails(new Dictionary<string, string[]> { [e.Field] = [e.Message] });
        problem.Status = status;
        problem.Title = title;
        problem.Detail = e.Message;
        foreach (var (name, value) in e.Extensions ?? new Dictionary<string, string>())
        {
            problem.Extensions[name] = value;
        }

        return problem;
    }

    private ProblemDetails Unavailable(HttpContext context, Exception exception)
    {
        LogUnavailable(logger, exception.GetType().Name, context.Request.Path);
        context.Response.Headers.RetryAfter = ((int)Unavailability.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The service is briefly unavailable.",
            Detail = "Part of the cluster or its database did not answer, so the request may not have taken effect. Retry it after the time in Retry-After (a case report with the same Idempotency-Key).",
        };
    }

    private static ValidationProblemDetails BadJson(JsonException json)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
        var message = json.Message.Split(" Path:")[0];
        if (MissingMember().Match(message) is { Success: true } missing)
        {
            var member = JsonNamingPolicy.CamelCase.ConvertName(missing.Groups["name"].Value);
            field = field == "body" ? member : $"{field}.{member}";
            message = $"{member} is required.";
        }
        else if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            // The framework names the .NET type; say what is wrong in the client's terms instead.
            message = "The value has the wrong type or is not one of the allowed values.";
        }
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not valid JSON for this endpoint.",
            Detail = $"{field}: {message}",
        };
    }

    [GeneratedRegex("""^Failed to bind parameter "(?:[^"]* )?(?<name>[A-Za-z0-9_]+)" from "(?<value>.*)"\.$""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("missing required properties including: '(?<name>[^']+)'")]
    private static partial Regex MissingMember();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: the cluster or the database did not answer ({Exception})")]
    private static partial void LogUnavailable(ILogger logger, string exception, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
