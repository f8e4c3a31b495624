using System.Globalization;
using GridGov.Api.Security;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Open311;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Mvc;

namespace GridGov.Api.Open311;

/// <summary>
/// Open311 GeoReport v2 beside the native API, over the same cases, categories, keys and tenancy (docs/open311.md).
/// Each handler makes one call to <see cref="IOpen311Grain"/>; reads are public unless the district asks for keys.
/// </summary>
public static class Open311Api
{
    public const string Tag = "Open311 GeoReport v2";
    public const string Specification = "http://wiki.open311.org/GeoReport_v2";
    public const string Changeset = "2026-12-03T00:00:00Z";
    public const int MaxPageSize = 1000;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    public static void MapOpen311(this WebApplication app)
    {
        var group = app.MapGroup(Open311ProblemWriter.Prefix + "/v2").WithTags(Tag).DisableAntiforgery()
            .AddOpenApiOperationTransformer(Open311OpenApi.TransformAsync);
        const string formats = "The extension chooses the format: .xml (the specification's default) or .json.";

        group.MapGet("/discovery.{format}", Discovery)
            .WithName("Open311Discovery").WithSummary("Open311: discovery")
            .WithDescription("This server's GeoReport v2 endpoint, its formats and where keys are issued. " + formats)
            .Produces<Open311Discovery>(200, "application/json", "text/xml").Open311Errors();

        group.MapGet("/services.{format}", Services)
            .WithName("Open311Services").WithSummary("Open311: the district's categories as services")
            .WithDescription("metadata is true when the category has attributes (extra questions); group is its class. " + formats)
            .Produces<Open311Service[]>(200, "application/json", "text/xml").Open311Errors();

        group.MapGet("/services/{service_code}.{format}", ServiceDefinition)
            .WithName("Open311ServiceDefinition").WithSummary("Open311: a service's definition (its attributes)")
            .WithDescription(formats)
            .Produces<Open311ServiceDefinition>(200, "application/json", "text/xml").Open311Errors();

        group.MapPost("/requests.{format}", PostRequest)
            .AddEndpointFilter<Open311AuditFilter>()
            .WithName("Open311PostRequest").WithSummary("Open311: submit a request (creates a case)")
            .WithDescription("A form (urlencoded or multipart): api_key (an app key of the district), service_code, lat and long or address_string or address_id, attribute[code]=value (attribute[code][]=… for several), and optionally description (≤ 4000), media_url, first_name, last_name, phone, email, device_id, account_id. The reporter's name and phone are kept (the phone masked) as the native API keeps them and never shown in an Open311 read; email is not kept. " + formats)
            .Accepts<Dictionary<string, string>>("application/x-www-form-urlencoded", "multipart/form-data")
            .Produces<Open311Created[]>(201, "application/json", "text/xml").Open311Errors();

        group.MapGet("/requests.{format}", GetRequests)
            .WithName("Open311GetRequests").WithSummary("Open311: requests, newest first, from the read model")
            .WithDescription("service_request_id (comma list) overrides every other filter; service_code (comma list), status (open, closed), start_date and end_date (ISO 8601, at most 90 days apart; default the last 90 days); page and page_size (at most 1000). extensions=true adds GridGov's state and grid. " + formats)
            .Produces<Open311Request[]>(200, "application/json", "text/xml").Open311Errors();

        group.MapGet("/requests/{service_request_id}.{format}", GetRequest)
            .WithName("Open311GetRequest").WithSummary("Open311: one request (a list of one)")
            .WithDescription("extensions=true adds GridGov's state, grid and the history as notes. " + formats)
            .Produces<Open311Request[]>(200, "application/json", "text/xml").Open311Errors();

        group.MapGet("/tokens/{token_id}.{format}", GetToken)
            .WithName("Open311GetToken").WithSummary("Open311: the request of a token")
            .WithDescription("GridGov creates the case within the POST and answers its id, never a token; a request id given as a token answers itself, for clients that always go through tokens. " + formats)
            .Produces<Open311Token[]>(200, "application/json", "text/xml").Open311Errors();
    }

    private static RouteHandlerBuilder Open311Errors(this RouteHandlerBuilder builder) =>
        builder.Produces<Open311Error[]>(400, "application/json", "text/xml")
            .Produces<Open311Error[]>(403, "application/json", "text/xml")
            .Produces<Open311Error[]>(404, "application/json", "text/xml")
            .Produces<Open311Error[]>(429, "application/json", "text/xml");

    public static IResult Discovery(string format, HttpContext http)
    {
        format = Open311Format.Parse(format);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{Open311ProblemWriter.Prefix}/v2/";
        return Open311Format.Result(
            new Open311Discovery(Changeset, "The district's command centre (12345 hotline).", $"{http.Request.Scheme}://{http.Request.Host}/docs",
                [new Open311Endpoint(Specification, url, Changeset, "production", ["text/xml", "application/json"])]),
            format, "discovery");
    }

    public static async Task<IResult> Services(
        string format, [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId, IClusterClient cluster)
    {
        format = Open311Format.Parse(format);
        var answer = await cluster.GetGrain<IOpen311Grain>(0).ServicesAsync(Blank(jurisdictionId));
        return Open311Format.Result(answer.Categories.Select(Open311Mapping.Service).ToArray(), format, "services");
    }

    public static async Task<IResult> ServiceDefinition(
        [FromRoute(Name = "service_code")] string serviceCode, string format, [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId, IClusterClient cluster)
    {
        format = Open311Format.Parse(format);
        var answer = await cluster.GetGrain<IOpen311Grain>(0).ServicesAsync(Blank(jurisdictionId));
        var category = answer.Categories.FirstOrDefault(c => c.Code == serviceCode)
            ?? throw DomainException.NotFound($"service_code '{serviceCode}' is not a service of jurisdiction {answer.District}.");
        return Open311Format.Result(Open311Mapping.Definition(category), format, "service_definition");
    }

    public static async Task<IResult> PostRequest(string format, HttpContext http, IClusterClient cluster)
    {
        if (!http.Request.HasFormContentType)
        {
            throw new BadHttpRequestException("The body is a form: application/x-www-form-urlencoded or multipart/form-data.", StatusCodes.Status415UnsupportedMediaType);
        }

        // The key before anything else, so a caller without one learns nothing from what else is wrong.
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var jurisdiction = Open311Form.Text(form, "jurisdiction_id", 6) ?? Blank(http.Request.Query["jurisdiction_id"]);
        var caller = RequireAppKey(http, form, jurisdiction);
        format = Open311Format.Parse(format);
        // An Open311 request is reported under the one source the app's kind may report (residents' apps: residentApp).
        var report = Open311Form.Report(form, caller.Subject) with { Source = HonestSources.Allowed(caller) is [var source, ..] ? source : CaseSource.ResidentApp };
        var answer = await cluster.GetGrain<IOpen311Grain>(0).SubmitAsync(jurisdiction, report);
        var created = answer.Cases[0];
        return Open311Format.Result(
            new[] { Open311Mapping.Created(created, answer, Open311Form.Text(form, "account_id", 100)) }, format, "service_requests", StatusCodes.Status201Created);
    }

    public static async Task<IResult> GetRequests(
        string format,
        [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId,
        [FromQuery(Name = "service_request_id")] string? serviceRequestId,
        [FromQuery(Name = "service_code")] string? serviceCode,
        [FromQuery(Name = "start_date")] string? startDate,
        [FromQuery(Name = "end_date")] string? endDate,
        string? status,
        string? page,
        [FromQuery(Name = "page_size")] string? pageSize,
        string? extensions,
        IClusterClient cluster,
        TimeProvider time)
    {
        format = Open311Format.Parse(format);
        var (from, to) = Window(Date(startDate, "start_date"), Date(endDate, "end_date"), time.GetUtcNow());
        var size = Number(pageSize, "page_size", 1, MaxPageSize) ?? MaxPageSize;
        var pageNumber = Number(page, "page", 1, 1_000_000) ?? 1;
        var query = new Open311Query(List(serviceRequestId, "service_request_id"), List(serviceCode, "service_code"), from, to, Status(status), (pageNumber - 1) * size, size);
        var answer = await cluster.GetGrain<IOpen311Grain>(0).RequestsAsync(Blank(jurisdictionId), query);
        var extended = Flag(extensions);
        return Open311Format.Result(answer.Cases.Select(c => Open311Mapping.Request(c, answer, extended)).ToArray(), format, "service_requests");
    }

    public static async Task<IResult> GetRequest(
        [FromRoute(Name = "service_request_id")] string serviceRequestId, string format,
        [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId, string? extensions, IClusterClient cluster)
    {
        format = Open311Format.Parse(format);
        var answer = await cluster.GetGrain<IOpen311Grain>(0).RequestAsync(Blank(jurisdictionId), serviceRequestId);
        return Open311Format.Result(new[] { Open311Mapping.Request(answer.Cases[0], answer, Flag(extensions)) }, format, "service_requests");
    }

    public static async Task<IResult> GetToken(
        [FromRoute(Name = "token_id")] string tokenId, string format, [FromQuery(Name = "jurisdiction_id")] string? jurisdictionId, IClusterClient cluster)
    {
        format = Open311Format.Parse(format);
        var answer = await cluster.GetGrain<IOpen311Grain>(0).RequestAsync(Blank(jurisdictionId), tokenId);
        return Open311Format.Result(new[] { new Open311Token(answer.Cases[0].Id, tokenId) }, format, "service_requests");
    }

    /// <summary>
    /// The POST's caller: an app key (from the form's api_key, the query's, or X-Api-Key, authenticated as every key
    /// is) whose district is the jurisdiction's. Anything else is a 403, as the specification has it.
    /// </summary>
    private static CallerContext RequireAppKey(HttpContext http, IFormCollection form, string? jurisdiction)
    {
        var sent = form.ContainsKey(ApiKeyAuthenticationHandler.Open311KeyField) || http.Request.Query.ContainsKey(ApiKeyAuthenticationHandler.Open311KeyField)
            || http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header);
        var caller = http.User.Caller() ?? throw DomainException.Forbidden(sent
            ? "api_key is unknown, revoked or expired."
            : "api_key is required to submit a request.");
        if (caller.Role != Roles.App)
        {
            throw DomainException.Forbidden("api_key: submitting requests takes a key of role app.");
        }

        if (jurisdiction is not null && (!TerritoryCode.IsValid(jurisdiction) || TerritoryCode.LevelOf(jurisdiction) != TerritoryLevel.District))
        {
            throw DomainException.Invalid("jurisdiction_id", "jurisdiction_id is a 6-digit district code.");
        }

        if (jurisdiction is not null && !Scopes.Covers(caller.Scope, jurisdiction))
        {
            throw DomainException.Forbidden($"api_key is not a key of jurisdiction {jurisdiction}.");
        }

        return caller;
    }

    private static (DateTimeOffset From, DateTimeOffset To) Window(DateTimeOffset? start, DateTimeOffset? end, DateTimeOffset now)
    {
        var to = end ?? (start is { } s ? s + MaxWindow : now);
        var from = start ?? to - MaxWindow;
        if (from > to)
        {
            throw DomainException.Invalid("start_date", "start_date is before end_date.");
        }

        return to - from > MaxWindow
            ? throw DomainException.Invalid("end_date", "start_date and end_date are at most 90 days apart.")
            : (from, to);
    }

    private static DateTimeOffset? Date(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('T', StringComparison.Ordinal) ? at
        : throw DomainException.Invalid(field, $"{field} is an ISO 8601 date and time (e.g. 2026-12-02T09:30:00+08:00).");

    private static int? Number(string? text, string field, int min, int max) =>
        string.IsNullOrWhiteSpace(text) ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw DomainException.Invalid(field, $"{field} is a whole number from {min} to {max}.");

    private static bool? Status(string? text)
    {
        var statuses = List(text, "status");
        return statuses.Any(s => s is not (Open311Mapping.Open or Open311Mapping.Closed))
            ? throw DomainException.Invalid("status", "status is open, closed, or both (open,closed).")
            : statuses.Distinct().Count() == 1 ? statuses[0] == Open311Mapping.Open : null;
    }

    private static IReadOnlyList<string> List(string? text, string field)
    {
        var items = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Length > MaxPageSize || items.Any(i => i.Length > 64)
            ? throw DomainException.Invalid(field, $"{field} is a comma-separated list of at most {MaxPageSize} values.")
            : items;
    }

    private static bool Flag(string? text) => text is not null && text.Equals("true", StringComparison.OrdinalIgnoreCase);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
