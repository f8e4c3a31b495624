using System.Globalization;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;

namespace GridGov.Grains.Cases;

/// <summary>
/// The rules of a category's extra questions: how a catalogue may define them, and which answers a report may give.
/// The same rules serve the native API and Open311; each names the offending field in its own spelling.
/// </summary>
public static class CaseAttributes
{
    public const int MaxQuestions = 50;
    public const int MaxValues = 100;
    public const int MaxAnswerLength = 4000;

    /// <summary>Checks a category's questions; refusals name <c>attributes[i].field</c>.</summary>
    public static void CheckQuestions(IReadOnlyList<CategoryAttribute> questions)
    {
        if (questions.Count > MaxQuestions)
        {
            throw DomainException.Invalid("attributes", $"A category has at most {MaxQuestions} attributes.");
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            var at = $"attributes[{i}]";
            if (!StandardCategories.IsValidCode(q.Code) || !codes.Add(q.Code))
            {
                throw DomainException.Invalid($"{at}.code", "An attribute code is 1 to 32 letters, digits, '-' or '.', unique within the category.");
            }

            if (!Enum.IsDefined(q.Datatype))
            {
                throw DomainException.Invalid($"{at}.datatype", "datatype is string, number, datetime, text, singleValueList or multiValueList.");
            }

            if (string.IsNullOrWhiteSpace(q.Description) || q.Description.Length > 500)
            {
                throw DomainException.Invalid($"{at}.description", "A description of 1 to 500 characters is required.");
            }

            if (q.DatatypeDescription is { Length: > 200 })
            {
                throw DomainException.Invalid($"{at}.datatypeDescription", "datatypeDescription is at most 200 characters.");
            }

            if (q.IsList != (q.Values.Count > 0) || q.Values.Count > MaxValues)
            {
                throw DomainException.Invalid($"{at}.values", $"A list attribute has 1 to {MaxValues} values; other attributes have none.");
            }

            var keys = new HashSet<string>(StringComparer.Ordinal);
            if (q.Values.Any(v => string.IsNullOrWhiteSpace(v.Key) || v.Key.Length > 64 || !keys.Add(v.Key) || string.IsNullOrWhiteSpace(v.Name) || v.Name.Length > 200))
            {
                throw DomainException.Invalid($"{at}.values", "Each value has a unique key of 1 to 64 characters and a name of 1 to 200.");
            }
        }
    }

    /// <summary>
    /// Checks a report's answers against its category's questions: every answer is to a question, every required
    /// question is answered, list answers are keys of the list, numbers and datetimes parse. <paramref name="field"/>
    /// spells the field of a question's answer as the caller's API does.
    /// </summary>
    public static void CheckAnswers(Category category, IReadOnlyDictionary<string, IReadOnlyList<string>>? answers, Func<string, string> field)
    {
        answers ??= new Dictionary<string, IReadOnlyList<string>>();
        var questions = category.Questions.ToDictionary(q => q.Code, StringComparer.Ordinal);
        foreach (var (code, values) in answers)
        {
            if (!questions.TryGetValue(code, out var q))
            {
                throw DomainException.Invalid(field(code), $"'{code}' is not an attribute of {category.Code}.");
            }

            if (values.Count == 0 || (q.Datatype != AttributeDatatype.MultiValueList && values.Count > 1))
            {
                throw DomainException.Invalid(field(code), q.Datatype == AttributeDatatype.MultiValueList
                    ? $"{code} takes one or more values."
                    : $"{code} takes one value.");
            }

            foreach (var value in values)
            {
                CheckValue(q, value, field(code));
            }
        }

        if (category.Questions.FirstOrDefault(q => q.Required && !answers.ContainsKey(q.Code)) is { } missing)
        {
            throw DomainException.Invalid(field(missing.Code), $"{missing.Code} is required: {missing.Description}");
        }
    }

    private static void CheckValue(CategoryAttribute q, string value, string field)
    {
        var ok = q.Datatype switch
        {
            AttributeDatatype.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n),
            AttributeDatatype.Datetime => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            AttributeDatatype.SingleValueList or AttributeDatatype.MultiValueList => q.Values.Any(v => v.Key == value),
            AttributeDatatype.String => value.Length is >= 1 and <= 500,
            _ => value.Length is >= 1 and <= MaxAnswerLength,
        };
        if (!ok)
        {
            throw DomainException.Invalid(field, q.Datatype switch
            {
                AttributeDatatype.Number => $"'{value}' is not a number.",
                AttributeDatatype.Datetime => $"'{value}' is not an ISO 8601 date and time.",
                AttributeDatatype.SingleValueList or AttributeDatatype.MultiValueList =>
                    $"'{value}' is not one of {string.Join(", ", q.Values.Select(v => v.Key))}.",
                _ => $"An answer is 1 to {(q.Datatype == AttributeDatatype.String ? 500 : MaxAnswerLength)} characters.",
            });
        }
    }
}
