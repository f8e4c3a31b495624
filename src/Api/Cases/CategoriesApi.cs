using GridGov.Api.Security;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Cases;

public static class CategoriesApi
{
    public static void MapCategories(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/districts/{district}/categories").WithTags("Case categories");

        group.MapGet("/", ListCategories)
            .RequireAuthorization(Policies.CategoriesRead)
            .WithName("ListCategories")
            .WithSummary("The district's case category catalogue")
            .WithDescription("The standard categories (component, event and governance classes with the 12345 time-limit tiers) and the district's own edits.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{code}", PutCategory)
            .RequireAuthorization(Policies.CategoriesWrite)
            .WithName("PutCategory")
            .WithSummary("Add or change a category of the district's catalogue")
            .WithDescription("timeLimitHours is the handling time limit that starts at dispatch (12345 tiers: 2, 24, 168, 360); responseLimitHours the time to accept; attributes are the extra questions a report answers (Open311's service definition).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Ok<CategoryListView>> ListCategories(string district, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var list = await cluster.GetGrain<ICategoryCatalogGrain>(district).ListAsync();
        return TypedResults.Ok(new CategoryListView(district, list.Select(CategoryView.From).ToArray()));
    }

    public static async Task<Ok<CategoryView>> PutCategory(string district, string code, CategoryRequest request, HttpContext http, IClusterClient cluster)
    {
        // The catalogue checks the code, with the rest of the category.
        RequireDistrict(district, http);
        var category = new Category(
            code, request.Name.Trim(), request.Class, TimeSpan.FromHours(request.TimeLimitHours),
            TimeSpan.FromHours(request.ResponseLimitHours), request.Department.Trim(),
            request.Attributes is { Count: > 0 } questions ? questions.Select(Question).ToArray() : null);
        return TypedResults.Ok(CategoryView.From(await cluster.GetGrain<ICategoryCatalogGrain>(district).PutAsync(category)));
    }

    /// <summary>A question as the catalogue keeps it; a null in the lists is the caller's error, named, not a failure.</summary>
    private static CategoryAttribute Question(CategoryAttributeRequest? question, int index)
    {
        if (question is null)
        {
            throw DomainException.Invalid($"attributes[{index}]", "A question is an object with code, datatype, required, description and order.");
        }

        for (var i = 0; i < (question.Values?.Count ?? 0); i++)
        {
            if (question.Values![i] is null)
            {
                throw DomainException.Invalid($"attributes[{index}].values[{i}]", "A value is an object with key and name.");
            }
        }

        return question.ToAttribute();
    }

    private static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }
}
