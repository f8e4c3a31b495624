using GridGov.Api.Infrastructure;
using GridGov.Contracts.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Security;

/// <summary>
/// Refusals a handler decides from what its one call answered, as typed results. They carry the same ProblemDetails
/// as the <see cref="DomainException"/> the central handler maps, so a client cannot tell which of the two refused.
/// </summary>
internal static class Refusals
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(ProblemExceptionHandler.FromDomain(DomainException.NotFound(detail)));

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(ProblemExceptionHandler.FromDomain(DomainException.Forbidden(detail)));

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(ProblemExceptionHandler.FromDomain(DomainException.Conflict(detail)));
}
