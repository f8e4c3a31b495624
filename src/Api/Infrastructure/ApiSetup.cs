using System.Text.Json;
using System.Text.Json.Serialization;
using GridGov.Hosting;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace GridGov.Api.Infrastructure;

/// <summary>The API's cross-cutting pieces: JSON, ProblemDetails, OpenAPI, limits.</summary>
public static class ApiSetup
{
    /// <summary>The largest request body accepted anywhere (a whole district's GeoJSON import fits).</summary>
    public const long MaxRequestBodyBytes = 32 * 1024 * 1024;

    public const int MaxJsonDepth = 32;

    public static void AddGridGovApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            // No "Server: Kestrel" on every answer: it tells a scanner what runs here and tells a client nothing.
            k.AddServerHeader = false;
        });
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // First, so Open311 paths answer the specification's error bodies, never a ProblemDetails.
        builder.Services.AddSingleton<IProblemDetailsWriter, Open311.Open311ProblemWriter>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier);
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            if (c.ProblemDetails is HttpValidationProblemDetails validation)
            {
                CamelCaseFieldNames(validation.Errors);
            }
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddValidation();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiDocumentInfo>().AddSchemaTransformer<EnumSchemaTypes>());
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<IOutgoingGrainCallFilter, RequestDeadlineCallFilter>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("cluster-and-storage", tags: ["ready"]);
        if (LoggingSettings.Load(builder.Configuration).Requests)
        {
            // One line per request, with no query string, headers or bodies: those carry keys and personal data.
            builder.Services.AddHttpLogging(o =>
            {
                o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                    | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
                o.CombineLogs = true;
            });
        }
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.MaxDepth = MaxJsonDepth;
        // The web defaults also read numbers from strings ("18.2"), which the OpenAPI document then has to type as
        // number | string: a number is a JSON number, and anything else is a 400 naming the field.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    /// <summary>Bodies are UTF-8: a request that declares another (or a malformed) charset gets 415, not a decoding failure.</summary>
    public static Task RequireUtf8(HttpContext http, RequestDelegate next)
    {
        var contentType = http.Request.ContentType;
        if (contentType is not null
            && (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
                || (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type.",
                detail: "Request bodies are JSON (or CSV where documented) in UTF-8; the Content-Type's charset, if any, must be utf-8.").ExecuteAsync(http);
        }

        return next(http);
    }

    /// <summary>
    /// A request target holding dot-segments (<c>.</c>, <c>..</c>, also percent-encoded) is refused with 400. The server
    /// removes them before routing, so <c>DELETE /households/{id}/residents/..</c> would otherwise delete the household:
    /// a client that means a path sends it resolved. Paths that match no endpoint are left to routing's 404.
    /// </summary>
    public static Task RefuseDotSegments(HttpContext http, RequestDelegate next)
    {
        var target = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
        var path = target.AsSpan();
        if (path.IndexOf('?') is var query and >= 0)
        {
            path = path[..query];
        }

        // Every request passes here: a path without '.' or '%' holds no dot-segment, and nothing is split for it.
        if (path.IndexOfAny('.', '%') < 0)
        {
            return next(http);
        }

        if (http.GetEndpoint() is not null && path.ToString().Split('/').Any(segment => Uri.UnescapeDataString(segment) is "." or ".."))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Bad request target.",
                detail: "The path holds '.' or '..' segments; send the path as meant, with those segments resolved.").ExecuteAsync(http);
        }

        return next(http);
    }

    /// <summary>Error keys name fields as clients write them (<c>staff[0].role</c>), not as C# does (<c>Staff[0].Role</c>).</summary>
    private static void CamelCaseFieldNames(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.ToArray())
        {
            // Header names (If-Match, Idempotency-Key) keep their own spelling.
            if (key.Contains('-', StringComparison.Ordinal))
            {
                continue;
            }

            var camel = string.Join('.', key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
            if (camel != key)
            {
                errors[camel] = errors.TryGetValue(camel, out var existing) ? [.. existing, .. errors[key]] : errors[key];
                errors.Remove(key);
            }
        }
    }

    public static void UseGridGovApi(this WebApplication app)
    {
        if (app.Services.GetRequiredService<LoggingSettings>().Requests)
        {
            // First, so the line has the status the client got, error pages included.
            app.UseHttpLogging();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Before authentication, so a key check that waits on the cluster counts against the request's deadline too.
        app.UseRequestTimeouts();
        app.Use(RequestTimeouts.DeadlineIsUnavailable);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithTitle("GridGov API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
    }
}
