using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using Orleans.Concurrency;

namespace GridGov.Grains.Cases;

[GenerateSerializer, Alias("gridgov.category-catalog-state")]
internal sealed class CategoryCatalogState
{
    [Id(0)] public Dictionary<string, Category> Edited { get; set; } = [];
}

/// <summary>
/// A district's catalogue: the standard categories, overlaid by the district's own edits and additions. Only the edits
/// are stored, so a district that changes nothing stores nothing.
/// </summary>
internal sealed class CategoryCatalogGrain(
    [PersistentState("categories", ProviderNames.MainStorage)] IPersistentState<CategoryCatalogState> state)
    : Grain, ICategoryCatalogGrain
{
    public const int MaxCategories = 1000;

    [ReadOnly]
    Task<IReadOnlyList<Category>> ICategoryCatalogGrain.ListAsync() =>
        Task.FromResult<IReadOnlyList<Category>>(Merged().Values.OrderBy(c => c.Code, StringComparer.Ordinal).ToArray());

    [ReadOnly]
    Task<Category?> ICategoryCatalogGrain.GetAsync(string code) =>
        Task.FromResult(Merged().GetValueOrDefault(code));

    async Task<Category> ICategoryCatalogGrain.PutAsync(Category category)
    {
        Validate(category);
        if (!state.State.Edited.ContainsKey(category.Code) && state.State.Edited.Count >= MaxCategories)
        {
            throw DomainException.Invalid("code", $"A district has at most {MaxCategories} categories of its own.");
        }

        state.State.Edited[category.Code] = category;
        await state.WriteStateAsync();
        return category;
    }

    private Dictionary<string, Category> Merged()
    {
        var all = StandardCategories.All.ToDictionary(c => c.Code, StringComparer.Ordinal);
        foreach (var (code, category) in state.State.Edited)
        {
            all[code] = category;
        }

        return all;
    }

    internal static void Validate(Category c)
    {
        if (!StandardCategories.IsValidCode(c.Code))
        {
            throw DomainException.Invalid("code", "A category code is 1 to 32 letters, digits, '-' or '.'.");
        }

        if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 100)
        {
            throw DomainException.Invalid("name", "A name of 1 to 100 characters is required.");
        }

        if (c.TimeLimit < TimeSpan.FromMinutes(10) || c.TimeLimit > TimeSpan.FromDays(365))
        {
            throw DomainException.Invalid("timeLimitHours", "The time limit is from 10 minutes to 365 days.");
        }

        if (c.ResponseLimit <= TimeSpan.Zero || c.ResponseLimit > c.TimeLimit)
        {
            throw DomainException.Invalid("responseLimitHours", "The response limit is positive and no longer than the time limit.");
        }

        if (string.IsNullOrWhiteSpace(c.Department) || c.Department.Length > 100)
        {
            throw DomainException.Invalid("department", "A department of 1 to 100 characters is required.");
        }

        CaseAttributes.CheckQuestions(c.Questions);
    }
}
