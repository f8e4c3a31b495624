using GridGov.Contracts.Common;
using GridGov.Contracts.People;

namespace GridGov.Api.People;

/// <summary>Identity and phone numbers as they arrive: checked, then turned into a keyed hash and a masked form.</summary>
internal static class PersonalNumbers
{
    public static (string Hash, string Masked) Phone(byte[] key, string phone, string field)
    {
        if (!PhoneMasking.IsPlausible(phone))
        {
            throw DomainException.Invalid(field, "The phone must be 7 to 15 digits.");
        }

        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        return (PersonalData.Hash(key, "phone", digits), PhoneMasking.Mask(digits));
    }

    public static (string Hash, string Masked) IdNumber(byte[] key, string number, string field)
    {
        number = number.Trim();
        if (!PersonalData.IsValidIdNumber(number))
        {
            throw DomainException.Invalid(field, "The identity number is not valid (18 characters with a GB 11643 check digit).");
        }

        return (PersonalData.Hash(key, "id", number), PersonalData.MaskIdNumber(number));
    }
}
