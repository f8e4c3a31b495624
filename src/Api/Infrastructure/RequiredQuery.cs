using Microsoft.OpenApi;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// Marks query parameters the handler refuses to go without as required in the OpenAPI document. Such a handler takes
/// the parameter as nullable so that its absence is the handler's own 400 naming the field (with what the value should
/// be); the framework would otherwise infer that the parameter is optional, and a generated client would let it be left out.
/// </summary>
public static class RequiredQuery
{
    public static RouteHandlerBuilder RequiresQuery(this RouteHandlerBuilder builder, params string[] names) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var missing = names.ToHashSet(StringComparer.Ordinal);
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.In == ParameterLocation.Query && parameter.Name is { } name && missing.Remove(name))
                {
                    parameter.Required = true;
                }
            }

            // A name that matches no parameter is a typo here, not a document to serve.
            return missing.Count == 0
                ? Task.CompletedTask
                : throw new InvalidOperationException($"{operation.OperationId} has no query parameter {string.Join(", ", missing)}.");
        });
}
