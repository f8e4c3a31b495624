using System.ComponentModel.DataAnnotations;
using GridGov.Api.Infrastructure;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Security;

public sealed record ApiKeyRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: Required] string Role,
    [property: Required] string Scope,
    DateTimeOffset? ExpiresAt = null,
    [property: StringLength(64, MinimumLength = 1)] string? StaffId = null,
    string? AppKind = null);

/// <summary>A new key: <c>key</c> is shown only in this answer and is stored only as a hash. <c>appKind</c> is an app key's kind.</summary>
public sealed record CreatedApiKeyView(string Id, string Key, string Name, string Role, string Scope, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string? StaffId, string? AppKind);

public sealed record ApiKeySummary(
    string Id, string Name, string Role, string Scope, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string? StaffId, string? AppKind)
{
    public static ApiKeySummary From(ApiKeyView v) =>
        new(v.Id, v.Name, v.Role, v.Scope, v.CreatedAt, v.CreatedBy, v.ExpiresAt, v.RevokedAt, v.LastUsedAt, v.StaffId, v.AppKind);
}

public sealed record ApiKeyPage(IReadOnlyList<ApiKeySummary> Items, string? NextCursor);

public static class ApiKeysApi
{
    public static void MapApiKeys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(Policies.ApiKeys);

        group.MapPost("/", CreateKey)
            .WithName("CreateApiKey")
            .WithSummary("Issue an API key")
            .WithDescription("Operators issue keys for any scope and role; a district admin issues non-operator keys of their own district. An app key names its kind (appKind: residentApp, the default, hotline12345, camera or police), which is the one case source it may report. The key is in this answer only.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListKeys)
            .WithName("ListApiKeys")
            .WithSummary("List API keys (never the keys themselves)")
            .WithDescription("Operators see every key, a district admin the keys of their district; with role, scope, staff id, expiry, revocation and last use. Pages with cursor and limit.")
            .ProducesValidationProblem();

        group.MapGet("/{id}", GetKey)
            .WithName("GetApiKey")
            .WithSummary("Read one API key's description")
            .WithDescription("The key's name, role, scope, staff id and times; never the key itself.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", RevokeKey)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key; it stops working at once")
            .WithDescription("The key is refused by every API process from the next request on.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Created<CreatedApiKeyView>, ProblemHttpResult>> CreateKey(
        ApiKeyRequest request, HttpContext http, IClusterClient cluster, TimeProvider time)
    {
        var caller = http.Caller();
        var role = request.Role.Trim();
        var scope = request.Scope.Trim();
        if (!Roles.IsKnown(role))
        {
            throw DomainException.Invalid("role", $"'{role}' is not a role; the roles are {string.Join(", ", Roles.All)}.");
        }

        if (scope != Scopes.All && !(TerritoryCode.IsValid(scope) && TerritoryCode.LevelOf(scope) == TerritoryLevel.District))
        {
            throw DomainException.Invalid("scope", "The scope is a 6-digit district code, or * for every district.");
        }

        if ((scope == Scopes.All) != (role == Roles.Operator))
        {
            throw DomainException.Invalid("scope", "Operators, and only operators, have the scope *.");
        }

        var appKind = request.AppKind?.Trim();
        if (appKind is not null && (role != Roles.App || !AppKinds.IsKnown(appKind)))
        {
            throw DomainException.Invalid("appKind", $"appKind is for app keys only, one of {string.Join(", ", AppKinds.All)}.");
        }

        if (request.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            throw DomainException.Invalid("expiresAt", "expiresAt must be in the future.");
        }

        if (caller.Role != Roles.Operator && (scope != caller.Scope || role == Roles.Operator))
        {
            return Refusals.Forbidden("A district admin issues keys for their own district only, and never operator keys.");
        }

        var (id, key) = ApiKeyFormat.New();
        ApiKeyFormat.TryParse(key, out _, out var secret);
        var view = await cluster.GetGrain<IApiKeyGrain>(id)
            .CreateAsync(new NewApiKey(request.Name.Trim(), role, scope, request.ExpiresAt, ApiKeyFormat.Hash(secret), request.StaffId?.Trim(), appKind));
        return TypedResults.Created($"/api/v1/api-keys/{id}", new CreatedApiKeyView(id, key, view.Name, view.Role, view.Scope, view.CreatedAt, view.ExpiresAt, view.StaffId, view.AppKind));
    }

    public static async Task<Ok<ApiKeyPage>> ListKeys(string? cursor, int? limit, HttpContext http, IApiKeyStore store, CancellationToken cancellationToken)
    {
        var take = Paging.Limit(limit);
        var keys = await store.ListAsync(http.Caller().DistrictFilter, cursor, take + 1, cancellationToken);
        return TypedResults.Ok(new ApiKeyPage(
            keys.Take(take).Select(ApiKeySummary.From).ToArray(),
            keys.Count > take ? keys[take - 1].Id : null));
    }

    public static async Task<Results<Ok<ApiKeySummary>, ProblemHttpResult>> GetKey(string id, IClusterClient cluster) =>
        IsKeyId(id) && await cluster.GetGrain<IApiKeyGrain>(id).GetAsync() is { } view
            ? TypedResults.Ok(ApiKeySummary.From(view))
            : NoKey(id);

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, IClusterClient cluster) =>
        IsKeyId(id) && await cluster.GetGrain<IApiKeyGrain>(id).RevokeAsync() is not null
            ? TypedResults.NoContent()
            : NoKey(id);

    /// <summary>Only an id of the form keys are made in can name a key; anything else is not asked of a grain.</summary>
    private static bool IsKeyId(string id) => id.Length == 16 && id.All(char.IsAsciiHexDigitLower);

    private static ProblemHttpResult NoKey(string id) => Refusals.NotFound($"API key {id} does not exist.");
}
