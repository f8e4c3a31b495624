using GridGov.Contracts.Common;
using GridGov.Contracts.ServicePoints;

namespace GridGov.Grains.ServicePoints;

/// <summary>What a service point must be: each rule a 400 naming its field (as the API's JSON names it).</summary>
internal static class ServicePointRules
{
    public const int MaxName = 100;
    public const int MaxAddress = 200;

    /// <summary>Four intervals a day at most: enough for a split day, few enough to draw.</summary>
    public const int MaxIntervals = 28;

    public static ServicePointUpsert Check(ServicePointUpsert point)
    {
        if (!Enum.IsDefined(point.Kind))
        {
            throw DomainException.Invalid("kind", $"'{point.Kind}' is not a kind of service point.");
        }

        var name = point.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxName)
        {
            throw DomainException.Invalid("name", $"name is 1 to {MaxName} characters.");
        }

        var address = string.IsNullOrWhiteSpace(point.Address) ? null : point.Address.Trim();
        if (address is { Length: > MaxAddress })
        {
            throw DomainException.Invalid("address", $"address is at most {MaxAddress} characters.");
        }

        if (!double.IsFinite(point.Lat) || point.Lat is < -90 or > 90)
        {
            throw DomainException.Invalid("lat", "lat is a latitude from -90 to 90 (WGS-84).");
        }

        if (!double.IsFinite(point.Lon) || point.Lon is < -180 or > 180)
        {
            throw DomainException.Invalid("lon", "lon is a longitude from -180 to 180 (WGS-84).");
        }

        return point with { Name = name, Address = address, Hours = CheckHours(point.Hours ?? []) };
    }

    /// <summary>Intervals within their day, none overlapping another of the same day; answered in week order.</summary>
    private static OpeningInterval[] CheckHours(IReadOnlyList<OpeningInterval> hours)
    {
        if (hours.Count > MaxIntervals)
        {
            throw DomainException.Invalid("hours", $"hours has at most {MaxIntervals} intervals.");
        }

        for (var i = 0; i < hours.Count; i++)
        {
            var h = hours[i];
            if (!Enum.IsDefined(h.Day))
            {
                throw DomainException.Invalid($"hours[{i}].day", "day is a weekday, monday to sunday.");
            }

            if (h.Opens is < 0 or > 1439)
            {
                throw DomainException.Invalid($"hours[{i}].opens", "opens is a time from 00:00 to 23:59.");
            }

            if (h.Closes <= h.Opens || h.Closes > 1440)
            {
                throw DomainException.Invalid($"hours[{i}].closes", "closes is after opens, at 24:00 at the latest (an interval past midnight is two, one each day).");
            }

            for (var j = 0; j < i; j++)
            {
                if (hours[j].Day == h.Day && hours[j].Opens < h.Closes && h.Opens < hours[j].Closes)
                {
                    throw DomainException.Invalid($"hours[{i}]", $"hours[{i}] overlaps hours[{j}] on {h.Day}.");
                }
            }
        }

        // Monday first, as a Chinese week (and ISO 8601) starts.
        return hours.OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.Opens).ToArray();
    }

    public static bool SameFields(ServicePointSnapshot current, ServicePointUpsert point) =>
        current.Kind == point.Kind && current.Name == point.Name && current.Lat.Equals(point.Lat) && current.Lon.Equals(point.Lon)
        && current.Address == point.Address && current.Hours.SequenceEqual(point.Hours);
}
