using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridGov.Api.Infrastructure;

/// <summary>The document's title, description, licence and servers, which the linters ask for.</summary>
internal sealed class OpenApiDocumentInfo : IOpenApiDocumentTransformer
{
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
        return Task.CompletedTask;
    }
}
