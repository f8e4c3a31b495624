using System.Reflection;
using GridGov.Contracts.Common;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// A 404 a handler decides (a grain answered null, or the caller may not see what it answered), written as the same
/// ProblemDetails as every refusal and declared by the type, so the OpenAPI document lists it from the handler's
/// <c>Results&lt;…&gt;</c> instead of a hand-written <c>ProducesProblem</c>.
/// </summary>
public sealed class NotFoundProblem(string detail) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status404NotFound;

    public string Detail => detail;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
        return httpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = ProblemExceptionHandler.FromDomain(DomainException.NotFound(detail)),
        }).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
}
