using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using Orleans.Concurrency;

namespace GridGov.Grains.Cases;

[GenerateSerializer, Alias("gridgov.department-registry-state")]
internal sealed class DepartmentRegistryState
{
    [Id(0)] public Dictionary<string, Department> Departments { get; set; } = [];
}

/// <summary>
/// A district's departments, the handlers a case can be dispatched to besides the staff of its territory. One grain per
/// district: a district has tens of departments, read at each dispatch that names one.
/// </summary>
internal sealed class DepartmentRegistryGrain(
    [PersistentState("departments", ProviderNames.MainStorage)] IPersistentState<DepartmentRegistryState> state)
    : Grain, IDepartmentRegistryGrain
{
    public const int MaxDepartments = 500;
    public const int MaxName = 100;
    public const int MaxContact = 40;

    async Task<DepartmentPut> IDepartmentRegistryGrain.PutAsync(Department department)
    {
        var d = Validate(department);
        var departments = state.State.Departments;
        var created = !departments.TryGetValue(d.Code, out var existing);
        if (created && departments.Count >= MaxDepartments)
        {
            throw DomainException.Invalid("code", $"A district has at most {MaxDepartments} departments.");
        }

        if (existing != d)
        {
            departments[d.Code] = d;
            await state.WriteStateAsync();
        }

        return new DepartmentPut(created, d);
    }

    [ReadOnly]
    Task<Department?> IDepartmentRegistryGrain.GetAsync(string code) =>
        Task.FromResult(state.State.Departments.GetValueOrDefault(code));

    [ReadOnly]
    Task<IReadOnlyList<Department>> IDepartmentRegistryGrain.ListAsync() =>
        Task.FromResult<IReadOnlyList<Department>>(state.State.Departments.Values.OrderBy(d => d.Code, StringComparer.Ordinal).ToArray());

    async Task<bool> IDepartmentRegistryGrain.DeleteAsync(string code)
    {
        if (!state.State.Departments.Remove(code))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    private static Department Validate(Department d)
    {
        if (!Assignees.IsDepartmentCode(d.Code))
        {
            throw DomainException.Invalid("code", $"A department code is 1 to {Assignees.MaxDepartmentCode} lower-case letters, digits or '-'.");
        }

        var name = d.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxName)
        {
            throw DomainException.Invalid("name", $"A department's name is 1 to {MaxName} characters.");
        }

        var contact = d.Contact?.Trim() ?? "";
        // The duty phone (or desk extension) of the department: digits, spaces, '+', '-' and parentheses.
        if (contact.Length is 0 or > MaxContact || !contact.Any(char.IsAsciiDigit) || !contact.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')'))
        {
            throw DomainException.Invalid("contact", "The contact is the department's duty phone: digits, spaces, '+', '-', '(' and ')', at most 40 characters.");
        }

        return new Department(d.Code, name, contact);
    }
}
