namespace GridGov.Contracts.Common;

/// <summary>Masks phone numbers for display (PIPL): only the first three and the last four digits remain.</summary>
public static class PhoneMasking
{
    public static bool IsPlausible(string phone)
    {
        var digits = phone.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15 && phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ');
    }

    public static string Mask(string phone)
    {
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        return digits.Length <= 7
            ? new string('*', digits.Length - 2) + digits[^2..]
            : digits[..3] + new string('*', digits.Length - 7) + digits[^4..];
    }
}
