using System.Globalization;
using System.Security.Cryptography;
using GridGov.Contracts.Territory;

namespace GridGov.Contracts.Cases;

/// <summary>
/// Case ids: <c>{district}-{yyyyMMdd}-{unique}</c>, made where the case is reported, with no central counter. The
/// unique part is 16 characters of Crockford base32: 6 for the millisecond of the (UTC) day, then 10 random (50 bits).
/// The time first makes a district's ids of a day sort in report order, so the read model's primary key grows at its
/// end instead of at random places (a smaller working set for PostgreSQL under intake). Ids made before, with 10
/// random characters, stay valid.
/// </summary>
public static class CaseIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(string district, DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var millisecond = (long)utc.TimeOfDay.TotalMilliseconds;
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        Span<char> unique = stackalloc char[16];
        for (var i = 0; i < 6; i++)
        {
            unique[i] = Alphabet[(int)(millisecond >> (5 * (5 - i))) & 31];
        }

        for (var i = 0; i < 10; i++)
        {
            unique[6 + i] = Alphabet[random[i] & 31];
        }

        return $"{district}-{utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{unique}";
    }

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) =>
        id is { Length: >= 22 and <= 40 } && TerritoryCode.IsValid(DistrictCode.Of(id)) && id[6] == '-'
        && DateTime.TryParseExact(id.AsSpan(7, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && id[15] == '-' && id[16..].All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
