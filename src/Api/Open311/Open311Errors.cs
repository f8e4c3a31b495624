using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GridGov.Api.Open311;

/// <summary>
/// Every error under <c>/open311</c> is the specification's body, an array of <c>{code, description}</c>
/// (<c>&lt;errors&gt;&lt;error&gt;…</c>), in the format of the path's extension, never a ProblemDetails: this writer
/// comes before ASP.NET Core's own in the problem-details service, so whatever writes a problem there — the
/// exception handler, status-code pages (404, 405), the rate limiter, the UTF-8 and dot-segment checks — writes it.
/// A validation problem becomes one error per field, each description starting with the field's name.
/// </summary>
internal sealed class Open311ProblemWriter : IProblemDetailsWriter
{
    public const string Prefix = "/open311";

    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments(Prefix);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        var errors = Errors(problem, status, http.Request);
        return new ValueTask(Open311Format.WriteAsync(
            http.Response, JsonSerializer.SerializeToElement(errors), Open311Format.OfPath(http.Request.Path), "errors", status));
    }

    private static Open311Error[] Errors(ProblemDetails problem, int status, HttpRequest request)
    {
        // Status-code pages (no route, wrong method, wrong media type) carry no detail of their own.
        var fallback = status switch
        {
            StatusCodes.Status404NotFound => $"{request.Path} is not an Open311 resource of this server.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}.",
            StatusCodes.Status415UnsupportedMediaType => "The body is a form: application/x-www-form-urlencoded or multipart/form-data, in UTF-8.",
            _ => "The request failed.",
        };
        var errors = problem is HttpValidationProblemDetails { Errors.Count: > 0 } validation
            ? validation.Errors.SelectMany(e => e.Value.Select(message => new Open311Error(status, message.StartsWith(e.Key, StringComparison.Ordinal) ? message : $"{e.Key}: {message}"))).ToArray()
            : [new Open311Error(status, problem.Detail ?? fallback)];
        return errors;
    }
}
