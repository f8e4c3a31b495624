namespace GridGov.Contracts.Enterprises;

/// <summary>
/// The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters of the 31-character alphabet
/// <c>0-9 A-Y</c> without I, O, Z, S and V. Positions 3–8 are the registering authority's 6-digit area code; positions
/// 9–17 are the organization code (GB 11714), whose own check digit (position 17) weighs the eight before it
/// 3, 7, 9, 10, 5, 8, 4, 2 modulo 11 (10 is written X, 11 is 0); position 18 checks the first 17, weighted 3^i mod 31.
/// </summary>
public static class CreditCode
{
    public const int Length = 18;
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] OrganizationWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>Null when the code is valid, else why not (for a 400's message).</summary>
    public static string? Problem(string? code)
    {
        if (code is null || code.Length != Length)
        {
            return $"A unified social credit code is {Length} characters.";
        }

        for (var i = 0; i < Length; i++)
        {
            var c = code[i];
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return char.IsAsciiLetterLower(c)
                    ? "A unified social credit code is written in upper case."
                    : $"'{c}' (position {i + 1}) is not a character of a unified social credit code (0-9, A-Y without I, O, Z, S, V).";
            }
        }

        if (!code[2..8].All(char.IsAsciiDigit))
        {
            return "Positions 3 to 8 of a unified social credit code are the 6-digit area code.";
        }

        if (OrganizationCheck(code.AsSpan(8, 8)) != code[16])
        {
            return "The organization code's check digit (position 17, GB 11714) is wrong.";
        }

        return FinalCheck(code.AsSpan(0, 17)) != code[17] ? "The check character (position 18, GB 32100) is wrong." : null;
    }

    public static bool IsValid(string? code) => Problem(code) is null;

    /// <summary>The check digit of an organization code's eight body characters (GB 11714): '0'–'9' or 'X'.</summary>
    public static char OrganizationCheck(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            // Digits are their value, letters A=10 … Z=35.
            sum += (char.IsAsciiDigit(body[i]) ? body[i] - '0' : body[i] - 'A' + 10) * OrganizationWeights[i];
        }

        return (11 - sum % 11) switch { 10 => 'X', 11 => '0', var d => (char)('0' + d) };
    }

    /// <summary>The 18th character for the first 17 (GB 32100): weights 3^i mod 31, check = (31 − sum mod 31) mod 31.</summary>
    public static char FinalCheck(ReadOnlySpan<char> first17)
    {
        int sum = 0, weight = 1;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }

        return Alphabet[(31 - sum % 31) % 31];
    }

    /// <summary>
    /// A valid code from its first 16 characters (registration department, category, area code, organization code
    /// body), check digits added: for generated data (the demo) and tests.
    /// </summary>
    public static string Complete(string first16)
    {
        var seventeen = first16 + OrganizationCheck(first16.AsSpan(8, 8));
        return seventeen + FinalCheck(seventeen);
    }
}
