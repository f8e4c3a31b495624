using System.ComponentModel.DataAnnotations;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Cases;

/// <summary>A department as it is written: its name and its duty contact (the department's phone, not a person's).</summary>
public sealed record DepartmentRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: Required, StringLength(40, MinimumLength = 1)] string Contact);

/// <summary>A department; dispatch names it as <c>department:{code}</c>.</summary>
public sealed record DepartmentView(string Code, string Name, string Contact, string Assignee)
{
    public static DepartmentView From(Department d) => new(d.Code, d.Name, d.Contact, Assignees.DepartmentPrefix + d.Code);
}

public sealed record DepartmentListView(string District, IReadOnlyList<DepartmentView> Items);

public static class DepartmentsApi
{
    public static void MapDepartments(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/districts/{district}/departments").WithTags("Case departments");

        group.MapGet("/", ListDepartments)
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("ListDepartments")
            .WithSummary("The district's departments, which cases can be dispatched to")
            .WithDescription("Each with its code, name, duty contact and the assignee that dispatch names it by (department:{code}).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{code}", GetDepartment)
            .RequireAuthorization(Policies.TerritoryRead)
            .WithName("GetDepartment")
            .WithSummary("Read a department")
            .WithDescription("The department's code, name, duty contact and assignee.")
            .ProducesValidationProblem();

        group.MapPut("/{code}", PutDepartment)
            .RequireAuthorization(Policies.TerritoryWrite)
            .WithName("PutDepartment")
            .WithSummary("Register or change a department")
            .WithDescription("code is 1 to 32 lower-case letters, digits or '-'; contact is the department's duty phone (digits, spaces, '+', '-', parentheses). 201 when it was new, 200 when it was changed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{code}", DeleteDepartment)
            .RequireAuthorization(Policies.TerritoryWrite)
            .WithName("DeleteDepartment")
            .WithSummary("Remove a department")
            .WithDescription("Dispatch no longer accepts it; cases already dispatched to it keep it as their assignee.")
            .ProducesValidationProblem();
    }

    public static async Task<Ok<DepartmentListView>> ListDepartments(string district, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var list = await cluster.GetGrain<IDepartmentRegistryGrain>(district).ListAsync();
        return TypedResults.Ok(new DepartmentListView(district, list.Select(DepartmentView.From).ToArray()));
    }

    public static async Task<Results<Ok<DepartmentView>, NotFoundProblem>> GetDepartment(string district, string code, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        RequireCode(code);
        return await cluster.GetGrain<IDepartmentRegistryGrain>(district).GetAsync(code) is { } department
            ? TypedResults.Ok(DepartmentView.From(department))
            : NoSuchDepartment(district, code);
    }

    public static async Task<Results<Created<DepartmentView>, Ok<DepartmentView>>> PutDepartment(
        string district, string code, DepartmentRequest request, HttpContext http, IClusterClient cluster)
    {
        // The registry checks the code and the contact, with the rest of the department.
        RequireDistrict(district, http);
        var put = await cluster.GetGrain<IDepartmentRegistryGrain>(district).PutAsync(new Department(code, request.Name, request.Contact));
        var view = DepartmentView.From(put.Department);
        return put.Created ? TypedResults.Created($"/api/v1/districts/{district}/departments/{code}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<NoContent, NotFoundProblem>> DeleteDepartment(string district, string code, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        RequireCode(code);
        return await cluster.GetGrain<IDepartmentRegistryGrain>(district).DeleteAsync(code)
            ? TypedResults.NoContent()
            : NoSuchDepartment(district, code);
    }

    /// <summary>A malformed code is the caller's error (400), not a department that does not exist.</summary>
    private static void RequireCode(string code)
    {
        if (!Assignees.IsDepartmentCode(code))
        {
            throw DomainException.Invalid("code", $"A department code is 1 to {Assignees.MaxDepartmentCode} lower-case letters, digits or '-'.");
        }
    }

    private static NotFoundProblem NoSuchDepartment(string district, string code) => new($"District {district} has no department '{code}'.");

    private static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }
}
