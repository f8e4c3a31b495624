using GridGov.Contracts.Enterprises;

namespace GridGov.Tests.Enterprises;

/// <summary>
/// The unified social credit code's two check digits, on codes whose digits are worked out by hand below (not by the
/// code under test). Alphabet values: 0–9 are themselves, A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20 M21 N22 P23 Q24
/// R25 T26 U27 W28 X29 Y30. Weights of positions 1–17 (3^i mod 31): 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
/// </summary>
public sealed class CreditCodeTests
{
    /// <summary>
    /// 91460100 MA5T0H1K 9 H. Organization code MA5T0H1K (GB 11714: letters A=10 … Z=35, weights 3 7 9 10 5 8 4 2):
    /// 22·3 + 10·7 + 5·9 + 29·10 + 0·5 + 17·8 + 1·4 + 20·2 = 651; 651 mod 11 = 2; 11 − 2 = 9.
    /// Final: 9·1 + 1·3 + 4·9 + 6·27 + 0·19 + 1·26 + 0·16 + 0·17 + M21·20 + A10·29 + 5·25 + T26·13 + 0·8 + H17·24 + 1·10
    /// + K19·30 + 9·28 = 2649; 2649 mod 31 = 14; 31 − 14 = 17 = H.
    /// </summary>
    public const string Worked = "91460100MA5T0H1K9H";

    /// <summary>
    /// 91110000 80000001 7 0. Organization code: 8·3 + 1·2 = 26; 26 mod 11 = 4; 11 − 4 = 7. Final: 9 + 3 + 9 + 27 +
    /// 8·20 + 1·30 + 7·28 = 434 = 14·31, so the remainder is 0 and the check is (31 − 0) mod 31 = 0.
    /// </summary>
    public const string WrapsToZero = "911100008000000170";

    /// <summary>
    /// 12460204 40000000 X P. Organization code: 4·3 = 12; 12 mod 11 = 1; 11 − 1 = 10, written X. Final: 1 + 2·3 + 4·9
    /// + 6·27 + 2·26 + 4·17 + 4·20 + X29·28 = 1217; 1217 mod 31 = 8; 31 − 8 = 23 = P.
    /// </summary>
    public const string OrganizationCheckX = "1246020440000000XP";

    [Theory]
    [InlineData(Worked)]
    [InlineData(WrapsToZero)]
    [InlineData(OrganizationCheckX)]
    public void Hand_checked_codes_are_valid_and_complete_to_themselves(string code)
    {
        Assert.Null(CreditCode.Problem(code));
        Assert.Equal(code, CreditCode.Complete(code[..16]));
    }

    [Theory]
    [InlineData(Worked)]
    [InlineData(WrapsToZero)]
    [InlineData(OrganizationCheckX)]
    public void Any_one_character_changed_is_refused(string code)
    {
        for (var i = 0; i < code.Length; i++)
        {
            foreach (var other in CreditCode.Alphabet.Where(c => c != code[i]))
            {
                var changed = code[..i] + other + code[(i + 1)..];
                Assert.False(CreditCode.IsValid(changed), $"{changed} (position {i + 1} changed) was accepted");
            }
        }
    }

    [Fact]
    public void Each_check_digit_is_named_when_it_alone_is_wrong()
    {
        Assert.Contains("position 17", CreditCode.Problem("91460100MA5T0H1K8H"));
        Assert.Contains("position 18", CreditCode.Problem("91460100MA5T0H1K9J"));
    }

    [Theory]
    [InlineData("91460100ma5t0h1k9h", "upper case")]
    [InlineData("91460100MA5T0H1k9H", "upper case")]
    [InlineData("91460100MA5I0H1K9H", "'I'")]
    [InlineData("91460100MA5O0H1K9H", "'O'")]
    [InlineData("91460100MA5Z0H1K9H", "'Z'")]
    [InlineData("91460100MA5S0H1K9H", "'S'")]
    [InlineData("91460100MA5V0H1K9H", "'V'")]
    [InlineData("91460100MA5T0H1K9-", "'-'")]
    [InlineData("91460100MA5T 0H1K9", "' '")]
    [InlineData("91460100MA5T0H1K9", "18 characters")]
    [InlineData("91460100MA5T0H1K9HH", "18 characters")]
    [InlineData("", "18 characters")]
    [InlineData("914A0100MA5T0H1K9H", "area code")]
    public void Lower_case_bad_characters_and_bad_lengths_are_refused(string code, string reason)
    {
        Assert.Contains(reason, CreditCode.Problem(code));
    }

    [Fact]
    public void An_enterprise_id_is_a_district_and_a_valid_code()
    {
        Assert.True(EnterpriseIds.IsValid($"460204-{Worked}"));
        Assert.False(EnterpriseIds.IsValid($"460204001-{Worked}"));
        Assert.False(EnterpriseIds.IsValid($"460204-{Worked[..17]}J"));
        Assert.False(EnterpriseIds.IsValid($"460204{Worked}"));
    }
}
