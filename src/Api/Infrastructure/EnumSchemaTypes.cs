using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// Gives the schemas of enums their type. Enums travel as camel-case strings (<see cref="ApiSetup.ConfigureJson"/>), but
/// the generator lists only their values, so a generated client had to guess the type of <c>CaseSource</c> and the rest.
/// </summary>
internal sealed class EnumSchemaTypes : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // An enum met first as a nullable property lists null among its values; its uses say it may be null (oneOf null).
        if (schema.Type is null && schema.Enum is { Count: > 0 } withNull && withNull.Any(v => v is null)
            && withNull.Where(v => v is not null).All(v => v!.GetValueKind() == JsonValueKind.String))
        {
            schema.Enum = withNull.Where(v => v is not null).ToList();
        }

        if (schema.Type is null && schema.Enum is { Count: > 0 } values
            && values.All(v => v?.GetValueKind() == JsonValueKind.String))
        {
            schema.Type = JsonSchemaType.String;
        }

        return Task.CompletedTask;
    }
}
