using System.Globalization;
using GridGov.Contracts.Cases;

namespace GridGov.Contracts.Points;

/// <summary>Months, quarters and years as ranges of days (yyyyMMdd, China Standard Time, as the indicators count days).</summary>
public static class PointPeriods
{
    /// <summary>The period of <paramref name="kind"/> that contains the day, as its first and last day.</summary>
    public static (int From, int To) Containing(DateOnly day, PointPeriod kind)
    {
        var first = kind switch
        {
            PointPeriod.Month => new DateOnly(day.Year, day.Month, 1),
            PointPeriod.Quarter => new DateOnly(day.Year, ((day.Month - 1) / 3 * 3) + 1, 1),
            _ => new DateOnly(day.Year, 1, 1),
        };
        var next = kind switch
        {
            PointPeriod.Month => first.AddMonths(1),
            PointPeriod.Quarter => first.AddMonths(3),
            _ => first.AddYears(1),
        };
        return (Metrics.DayOf(first), Metrics.DayOf(next.AddDays(-1)));
    }

    /// <summary>Reads <c>2026</c>, <c>2026-Q1</c> or <c>2026-03</c>; false for anything else.</summary>
    public static bool TryParse(string? text, out (int From, int To) range)
    {
        range = default;
        if (text is null)
        {
            return false;
        }

        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year >= 1921)
        {
            range = Containing(new DateOnly(year, 1, 1), PointPeriod.Year);
            return true;
        }

        if (text.Length == 7 && int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out year) && year >= 1921)
        {
            if (text[4..6] == "-Q" && text[6] is >= '1' and <= '4')
            {
                range = Containing(new DateOnly(year, ((text[6] - '1') * 3) + 1, 1), PointPeriod.Quarter);
                return true;
            }

            if (text[4] == '-' && int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12)
            {
                range = Containing(new DateOnly(year, month, 1), PointPeriod.Month);
                return true;
            }
        }

        return false;
    }

    /// <summary>The day (China Standard Time) of a moment.</summary>
    public static DateOnly DayOf(DateTimeOffset at) => Metrics.DateOf(Metrics.DayOf(at));
}
