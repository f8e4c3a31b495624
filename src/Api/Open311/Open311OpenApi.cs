using System.Text.Json.Nodes;
using GridGov.Api.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridGov.Api.Open311;

/// <summary>
/// What the OpenAPI document says of the Open311 operations beyond what their handlers show: they need no header key
/// (reads are public, the POST's key is a form field), the extension is json or xml, and the POST's form fields.
/// </summary>
internal static class Open311OpenApi
{
    private static readonly (string Name, string Description)[] FormFields =
    [
        (ApiKeyAuthenticationHandler.Open311KeyField, "An API key of role app, scoped to the district."),
        ("jurisdiction_id", "The district code; required once the server holds several districts."),
        ("service_code", "The category's code (GET services)."),
        ("lat", "WGS-84 latitude; sent with long."),
        ("long", "WGS-84 longitude; sent with lat."),
        ("address_string", "The address, when there is no point; such a request goes to the district's triage."),
        ("address_id", "An address reference of the client's, when there is no point."),
        ("description", "What is wrong, at most 4000 characters."),
        ("media_url", "An http(s) URL of a photo."),
        ("first_name", "Personal data: kept, never shown in an Open311 read."),
        ("last_name", "Personal data: kept, never shown in an Open311 read."),
        ("phone", "Personal data: kept masked, never shown in an Open311 read."),
        ("email", "Checked, not kept."),
        ("device_id", "Not kept."),
        ("account_id", "Echoed in the answer, not kept."),
    ];

    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Security = [];
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.Name == "format")
            {
                parameter.Description = "json or xml (the specification's default).";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(Open311Format.Json), JsonValue.Create(Open311Format.Xml)] };
            }
        }

        if (context.Description.HttpMethod == HttpMethods.Get)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ApiKeyAuthenticationHandler.Open311KeyField,
                In = ParameterLocation.Query,
                Description = "An API key, for a district that requires one for reads (X-Api-Key works too).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        if (operation.RequestBody?.Content is { } content)
        {
            var form = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { ApiKeyAuthenticationHandler.Open311KeyField, "service_code" },
                Properties = FormFields.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema { Type = JsonSchemaType.String, Description = f.Description }),
                // attribute[code]=value and attribute[code][]=value, one field per answer.
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String, Description = "attribute[code] (attribute[code][] for each of several values)." },
            };
            foreach (var media in content.Values.OfType<OpenApiMediaType>())
            {
                media.Schema = form;
            }
        }

        return Task.CompletedTask;
    }
}
