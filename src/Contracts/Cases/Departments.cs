using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Cases;

/// <summary>
/// A department of a district that cases can be dispatched to (城管, 环卫, 供水…): its code, its name and its duty
/// contact (the department's duty phone or desk, not a person's).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.department")]
public sealed record Department([property: Id(0)] string Code, [property: Id(1)] string Name, [property: Id(2)] string Contact);

/// <summary>The outcome of writing a department: whether it was new, and the department as stored.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.department-put")]
public sealed record DepartmentPut([property: Id(0)] bool Created, [property: Id(1)] Department Department);

/// <summary>The departments of one district, keyed by the district code.</summary>
[Alias("gridgov.department-registry")]
public interface IDepartmentRegistryGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or replaces a department; refused (400 naming the field) when a field is malformed.</summary>
    [Alias("put")]
    Task<DepartmentPut> PutAsync(Department department);

    [ReadOnly, Alias("get")]
    Task<Department?> GetAsync(string code);

    /// <summary>Every department of the district, by code.</summary>
    [ReadOnly, Alias("list")]
    Task<IReadOnlyList<Department>> ListAsync();

    /// <summary>Removes a department; false when there was none. Cases already dispatched to it keep their assignee.</summary>
    [Alias("delete")]
    Task<bool> DeleteAsync(string code);
}

/// <summary>How <c>dispatch</c> names its assignee: a staff id, or <c>department:{code}</c> for a registered department.</summary>
public static class Assignees
{
    public const string DepartmentPrefix = "department:";

    public const int MaxDepartmentCode = 32;

    /// <summary>The department's code when the assignee names a department; null for a staff id.</summary>
    public static string? DepartmentOf(string assignee) =>
        assignee.StartsWith(DepartmentPrefix, StringComparison.Ordinal) ? assignee[DepartmentPrefix.Length..] : null;

    /// <summary>A department code: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit.</summary>
    public static bool IsDepartmentCode(string? code) =>
        code is { Length: > 0 and <= MaxDepartmentCode } && (char.IsAsciiLetterLower(code[0]) || char.IsAsciiDigit(code[0]))
        && code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
