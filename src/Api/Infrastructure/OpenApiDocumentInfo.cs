using GridGov.Api.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridGov.Api.Infrastructure;

/// <summary>The document's title, description, licence, servers, tags and security, which the linters ask for.</summary>
internal sealed class OpenApiDocumentInfo : IOpenApiDocumentTransformer
{
    /// <summary>A description for every tag an endpoint uses (<c>WithTags</c>).</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Territory"] = "The territory tree (district, street, community, comprehensive grid, micro-grid): boundaries, staff, GeoJSON import, and locating the grid that holds a point.",
        ["Party-building grids"] = "Party-building grids: groups of whole comprehensive grids of one district.",
        ["Cases"] = "Cases reported in the grids and their closed loop: filing, dispatch, handling, verification, evaluation, extensions, escalation and merging.",
        ["Indicators"] = "Indicator roll-ups per territory node and per handler (综合评价): open, overdue and warned cases, counts and evaluation rates over a period, rankings, and the exact recount.",
        ["Case categories"] = "Each district's catalogue of case categories and their time limits.",
        ["Case departments"] = "Each district's registry of departments that cases can be dispatched to.",
        ["API keys"] = "Issuing, listing and revoking the API keys callers authenticate with.",
        ["Audit"] = "The append-only audit log of changes made through the API.",
        ["Households"] = "Households (户) and their residents; identity and phone numbers are kept as keyed hashes and masked forms only.",
        ["Party organizations"] = "The Party tree built on grids: committees, branches and groups.",
        ["Party members"] = "Party members: profile, organization, transfers and the households they keep in touch with.",
        ["Service points"] = "The 15-minute service circle (15分钟社区综合服务圈): service points with their weekly hours, what lies within a walk of a point, each community's coverage, and the points as a map layer.",
        ["Points"] = "Party grid + points (党建网格+积分): versioned rules per district, members' ledgers, care visits, branch meetings and leaderboards.",
        ["Live"] = "Server-sent events of the case events of a territory node and everything below it, resumable with Last-Event-ID.",
        ["Operations"] = "The cluster as operators see it: silos, their activations and this process's gateways.",
        ["Open311 GeoReport v2"] = "Open311 GeoReport v2 for civic apps: the district's categories as services, cases as requests, in JSON or XML (docs/open311.md). Reads are public unless the district requires a key.",
        ["Village decisions"] = "Villages and their decisions through the four deliberations and two disclosures (四议两公开), each rule a 409 naming it, and the village's public notice board (docs/party.md).",
        ["Police areas"] = "Community police grids (警务网格) with their officer, boundary and the comprehensive grids they overlap; public-security cases co-assign the officer; the police-areas map layer (docs/resources.md).",
        ["Cameras"] = "The camera registry (GB/T 28181 codes), AI detections that become or join camera cases (AI智算案件), each label's precision, and the cameras map layer (docs/resources.md).",
        ["Webhooks"] = "Webhook subscriptions of apps: signed deliveries of case events, retried with back-off, and their dead letters.",
        ["Enterprises"] = "Enterprises in grids (社区+企业): keyed by unified social credit code (both check digits verified), placed in a grid by their location, with their Party organization, lists per grid and community, CSV import, and the cases that name them.",
        ["Patrols"] = "Grid workers' patrols (人在网格走): batched track uploads, care visits on the way, and figures per grid and worker (docs/resources.md).",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "GridGov API",
            Version = "v1",
            Description = "Party-building-led grid governance: territory, Party-building grids, cases and live indicators.",
            Contact = new OpenApiContact { Name = "GridGov maintainers", Url = new Uri("https://example.org/gridgov") },
            License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://example.org/gridgov/licence") },
        };
        document.Servers = [new OpenApiServer { Url = "/", Description = "This GridGov instance" }];

        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        // Every /api/v1 endpoint requires an API key (MapApiRoot → RequireAuthorization): the requirement is document-wide.
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.Header,
            Description = "An API key issued by POST /api/v1/api-keys (gg_{id}_{secret}), or the operator's bootstrap key.",
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] },
        ];
        return Task.CompletedTask;
    }
}
