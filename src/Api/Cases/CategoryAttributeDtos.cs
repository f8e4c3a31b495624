using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;

namespace GridGov.Api.Cases;

public sealed record AttributeValueDto(
    [property: Required, StringLength(64, MinimumLength = 1)] string Key,
    [property: Required, StringLength(200, MinimumLength = 1)] string Name);

/// <summary>
/// An extra question of a category (Open311's service attribute): a list datatype (singleValueList, multiValueList)
/// takes values; the others none. The catalogue checks codes are unique and lists are well formed.
/// </summary>
public sealed record CategoryAttributeRequest(
    [property: Required, StringLength(32, MinimumLength = 1)] string Code,
    [property: JsonRequired] AttributeDatatype Datatype,
    bool Required,
    [property: Required, StringLength(500, MinimumLength = 1)] string Description,
    int Order,
    IReadOnlyList<AttributeValueDto>? Values = null,
    [property: StringLength(200)] string? DatatypeDescription = null)
{
    public CategoryAttribute ToAttribute() => new(
        Code.Trim(), Datatype, Required, Description.Trim(), Order,
        (Values ?? []).Select(v => new AttributeValue(v.Key.Trim(), v.Name.Trim())).ToArray(), DatatypeDescription?.Trim());

    public static CategoryAttributeRequest From(CategoryAttribute a) => new(
        a.Code, a.Datatype, a.Required, a.Description, a.Order, a.Values.Select(v => new AttributeValueDto(v.Key, v.Name)).ToArray(), a.DatatypeDescription);
}

/// <summary>
/// A case's answers in JSON: each question's code maps to its value, or to the list of values when there are several
/// (a multi-value question answered more than once).
/// </summary>
public static class CaseAttributeValues
{
    public static IReadOnlyDictionary<string, JsonElement>? ToJson(IReadOnlyDictionary<string, IReadOnlyList<string>>? answers) =>
        answers?.ToDictionary(
            a => a.Key,
            a => a.Value.Count == 1 ? JsonSerializer.SerializeToElement(a.Value[0]) : JsonSerializer.SerializeToElement(a.Value));

    /// <summary>A report's answers: a string, number or boolean, or a list of strings, per code.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? FromJson(IReadOnlyDictionary<string, JsonElement>? answers)
    {
        if (answers is null || answers.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (code, value) in answers)
        {
            result[code] = value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Select(v => Scalar(code, v)).ToArray()
                : [Scalar(code, value)];
        }

        return result;
    }

    private static string Scalar(string code, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean().ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
        _ => throw DomainException.Invalid($"attributes.{code}", "An attribute's value is a string, a number, or a list of strings."),
    };
}
