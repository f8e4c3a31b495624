using System.Globalization;
using System.Security.Cryptography;
using GridGov.Contracts.Territory;

namespace GridGov.Contracts.Cases;

/// <summary>
/// Case ids: <c>{district}-{yyyyMMdd}-{unique}</c>, made where the case is reported, with no central counter. The
/// unique part is 10 characters of Crockford base32 (50 random bits).
/// </summary>
public static class CaseIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(string district, DateTimeOffset at)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        Span<char> unique = stackalloc char[10];
        for (var i = 0; i < unique.Length; i++)
        {
            unique[i] = Alphabet[random[i] & 31];
        }

        return $"{district}-{at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{unique}";
    }

    public static bool IsValid(string? id) =>
        id is { Length: >= 22 and <= 40 } && TerritoryCode.IsValid(id[..6]) && id[6] == '-'
        && DateTime.TryParseExact(id.AsSpan(7, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && id[15] == '-' && id[16..].All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
