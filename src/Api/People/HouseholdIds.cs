using System.Diagnostics.CodeAnalysis;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;

namespace GridGov.Api.People;

/// <summary>
/// The household ids an import file may carry: a local id (<c>00001</c>, made <c>{district}-H00001</c> with the row's
/// district) or the full id (<c>{district}-H00001</c>, taken as it is when it is of the row's district). Both forms of
/// one household give the same full id and the same local part, so they name one household whichever a file uses.
/// </summary>
public static class HouseholdIds
{
    /// <summary>The full id of <paramref name="raw"/> in <paramref name="district"/>, or false with why.</summary>
    public static bool TryFull(string raw, string district, [NotNullWhen(true)] out string? full, [NotNullWhen(false)] out string? error)
    {
        full = null;
        if (LooksFull(raw))
        {
            if (DistrictCode.Of(raw) != district)
            {
                error = $"{raw} is a household of district {DistrictCode.Of(raw)}, not of this row's district {district}.";
                return false;
            }

            full = raw;
        }
        else
        {
            full = $"{district}-H{raw}";
        }

        if (!PeopleIds.IsValid(full, "H"))
        {
            full = null;
            error = $"A household id is a local id of 1 to 32 letters, digits, '-' or '_', or a full id such as {district}-H00001.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The part after <c>{district}-H</c> of a full id.</summary>
    public static string LocalPart(string full) => full[(DistrictCode.Length + 2)..];

    /// <summary>
    /// Six digits, a dash and 'H' make a full id: a local id of that shape would collide with the full id of another
    /// household anyway, so it is read as the full id.
    /// </summary>
    private static bool LooksFull(string raw) =>
        raw.Length > DistrictCode.Length + 2 && raw.AsSpan(0, DistrictCode.Length).ContainsAnyExceptInRange('0', '9') is false
        && raw[DistrictCode.Length] == '-' && raw[DistrictCode.Length + 1] == 'H';
}
