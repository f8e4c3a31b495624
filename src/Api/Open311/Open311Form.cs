using System.Globalization;
using GridGov.Api.Cases;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;

namespace GridGov.Api.Open311;

/// <summary>
/// The fields of a POST requests as a form sends them (urlencoded or multipart), read into a report. Shape is checked
/// here, each refusal naming the Open311 field; the service and its attributes are checked where the category is.
/// </summary>
public static class Open311Form
{
    public const int MaxDescription = 4000;
    public const int MaxAddress = 200;
    public const int MaxAttributes = 50;

    /// <summary>
    /// The report of a form. The reporter's name (first and last) is kept and the phone masked, as the native API
    /// keeps them; an email is checked for shape but not kept, for GridGov keeps no reporter email.
    /// </summary>
    public static NewCase Report(IFormCollection form, string reportedBy)
    {
        var serviceCode = Text(form, "service_code", 32) ?? throw DomainException.Invalid("service_code", "service_code is required.");
        var (lat, lon) = Location(form);
        var address = Text(form, "address_string", MaxAddress);
        var addressId = Text(form, "address_id", 64);
        if (lat is null && address is null && addressId is null)
        {
            throw DomainException.Invalid("lat", "A location is required: lat and long, address_string or address_id.");
        }

        var description = Text(form, "description", MaxDescription);
        var first = Text(form, "first_name", 25);
        var last = Text(form, "last_name", 25);
        var phone = Text(form, "phone", 20);
        if (phone is not null && !PhoneMasking.IsPlausible(phone))
        {
            throw DomainException.Invalid("phone", "phone is 7 to 15 digits.");
        }

        if (Text(form, "email", 254) is { } email && (email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
        {
            throw DomainException.Invalid("email", "email is not an email address.");
        }

        var media = Text(form, "media_url", 500);
        if (media is not null && !CaseRequest.IsHttpUrl(media))
        {
            throw DomainException.Invalid("media_url", "media_url is an absolute http(s) URL of at most 500 characters.");
        }

        var name = string.Join(' ', new[] { first, last }.Where(n => n is not null));
        return new NewCase(
            serviceCode, description ?? "", CaseSource.ResidentApp, "", lat, lon, address ?? (addressId is null ? null : $"address_id {addressId}"),
            name.Length > 0 ? name : null, phone is null ? null : PhoneMasking.Mask(phone), media is null ? [] : [media],
            CasePriority.Normal, null, reportedBy, Attributes(form));
    }

    /// <summary>
    /// <c>attribute[code]=value</c>, and <c>attribute[code][]=value</c> (repeated) for a multi-value list; the bare
    /// repeated <c>attribute[code]</c> is read as a list too.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? Attributes(IFormCollection form)
    {
        var answers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in form)
        {
            if (!key.StartsWith("attribute[", StringComparison.Ordinal))
            {
                continue;
            }

            var close = key.IndexOf(']', StringComparison.Ordinal);
            var rest = close < 0 ? "?" : key[(close + 1)..];
            var code = close < 0 ? "" : key[10..close];
            if (code.Length == 0 || rest is not ("" or "[]"))
            {
                throw DomainException.Invalid(key, "Attributes are sent as attribute[code]=value, or attribute[code][]=value for each of several.");
            }

            var list = values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
            if (list.Count > 0)
            {
                answers[code] = answers.TryGetValue(code, out var earlier) ? [.. earlier, .. list] : list;
            }
        }

        return answers.Count > MaxAttributes
            ? throw DomainException.Invalid("attribute", $"At most {MaxAttributes} attributes.")
            : answers.Count == 0 ? null : answers;
    }

    private static (double? Lat, double? Lon) Location(IFormCollection form)
    {
        var lat = Text(form, "lat", 40);
        var lon = Text(form, "long", 40);
        if (lat is null && lon is null)
        {
            return (null, null);
        }

        return (Coordinate(lat, "lat", 90), Coordinate(lon, "long", 180));
    }

    private static double Coordinate(string? text, string field, double limit) =>
        text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && Math.Abs(value) <= limit
            ? value
            : throw DomainException.Invalid(field, $"{field} is a WGS-84 coordinate from -{limit} to {limit}; lat and long come together.");

    /// <summary>A field's trimmed text, null when absent or blank; over <paramref name="max"/> characters is a 400.</summary>
    public static string? Text(IFormCollection form, string field, int max)
    {
        var values = form[field];
        if (values.Count > 1)
        {
            throw DomainException.Invalid(field, $"{field} is sent once.");
        }

        var text = values.ToString().Trim();
        return text.Length == 0 ? null
            : text.Length > max ? throw DomainException.Invalid(field, $"{field} is at most {max} characters.")
            : text;
    }
}
