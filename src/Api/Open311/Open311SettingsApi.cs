using System.ComponentModel.DataAnnotations;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.Open311;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Open311;

/// <summary>A district's Open311 settings, as its admins set them.</summary>
public sealed record Open311SettingsRequest(
    bool RequireKeyForReads,
    [property: Required, StringLength(2, MinimumLength = 2)] string Language,
    [property: Range(-840, 840)] int UtcOffsetMinutes,
    [property: StringLength(500)] string? Contact = null);

public sealed record Open311SettingsView(string District, bool RequireKeyForReads, string Language, int UtcOffsetMinutes, string? Contact);

public static class Open311SettingsApi
{
    public static void MapOpen311Settings(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/districts/{district}/open311").WithTags("Case categories");

        group.MapGet("/", GetSettings)
            .RequireAuthorization(Policies.CategoriesRead)
            .WithName("GetOpen311Settings")
            .WithSummary("The district's Open311 settings")
            .WithDescription("Whether Open311 reads need a key, the language of status_notes (zh or en), the UTC offset of Open311 times, and the contact discovery names.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/", PutSettings)
            .RequireAuthorization(Policies.CategoriesWrite)
            .WithName("PutOpen311Settings")
            .WithSummary("Change the district's Open311 settings")
            .WithDescription("Open311 calls see a change within 10 seconds (each silo's Open311 worker remembers a district's settings that long).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<Open311SettingsView>> GetSettings(string district, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        return TypedResults.Ok(View(district, await cluster.GetGrain<IOpen311SettingsGrain>(district).GetAsync()));
    }

    public static async Task<Ok<Open311SettingsView>> PutSettings(string district, Open311SettingsRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var settings = new Open311Settings(request.RequireKeyForReads, request.Language, request.UtcOffsetMinutes, request.Contact?.Trim());
        return TypedResults.Ok(View(district, await cluster.GetGrain<IOpen311SettingsGrain>(district).PutAsync(settings)));
    }

    private static Open311SettingsView View(string district, Open311Settings s) => new(district, s.RequireKeyForReads, s.Language, s.UtcOffsetMinutes, s.Contact);

    private static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }
}

/// <summary>
/// Records Open311 POSTs in the audit log as the native API's writes are; a POST without a valid key changed nothing
/// and has no caller to name, so it is not recorded.
/// </summary>
internal sealed class Open311AuditFilter(AuditLog audit, TimeProvider time) : IEndpointFilter
{
    private readonly AuditFilter _audit = new(audit, time);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.User.Caller() is null ? next(context) : _audit.InvokeAsync(context, next);
}
