using GridGov.Contracts.Common;

namespace GridGov.Grains.People;

/// <summary>The text and tag rules every People grain applies to what it stores, whoever called it (an API request or an import).</summary>
internal static class Validation
{
    /// <summary>Tags and care tags: lower-case words of 1 to 32 letters, digits or '-' (the catalogue is open).</summary>
    public static List<string> Tags(IReadOnlyList<string>? tags, string field, int max)
    {
        tags ??= [];
        if (tags.Count > max)
        {
            throw DomainException.Invalid(field, $"At most {max} tags.");
        }

        foreach (var tag in tags)
        {
            if (tag is not { Length: >= 1 and <= 32 } || !tag.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                throw DomainException.Invalid(field, $"'{tag}' is not a tag: 1 to 32 lower-case letters, digits or '-'.");
            }
        }

        return tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public static void Text(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > max)
        {
            throw DomainException.Invalid(field, $"{field} is 1 to {max} characters.");
        }
    }
}
