using System.Security.Cryptography;
using System.Text;

namespace GridGov.Contracts.People;

/// <summary>
/// Identity numbers (GB 11643) and phone numbers under PIPL: a keyed hash for matching and de-duplication, a masked
/// form for display, never the full number.
/// </summary>
public static class PersonalData
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckDigits = "10X98765432";

    /// <summary>An 18-character resident identity number whose check digit (ISO 7064 MOD 11-2) is right.</summary>
    public static bool IsValidIdNumber(string? id)
    {
        if (id is not { Length: 18 } || id.AsSpan(0, 17).ContainsAnyExcept("0123456789"))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (id[i] - '0') * Weights[i];
        }

        return char.ToUpperInvariant(id[17]) == CheckDigits[sum % 11];
    }

    /// <summary><c>4602**********1234</c>: the first four and the last four characters.</summary>
    public static string MaskIdNumber(string id) => id[..4] + new string('*', id.Length - 8) + id[^4..].ToUpperInvariant();

    /// <summary>A keyed hash (HMAC-SHA256 under the deployment's secret), the same for the same number everywhere.</summary>
    public static string Hash(byte[] key, string kind, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{kind}:{value.ToUpperInvariant()}")));
}
