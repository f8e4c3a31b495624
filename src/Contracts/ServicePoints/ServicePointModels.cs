namespace GridGov.Contracts.ServicePoints;

/// <summary>
/// What a service point of the 15-minute service circle (15分钟社区综合服务圈) is. The wire names are the camel-case
/// member names (<c>partyMassesServiceCentre</c>…) and are stable: never rename a member, add new ones at the end
/// (grain state holds the numeric value).
/// </summary>
public enum ServicePointKind
{
    /// <summary>党群服务中心: the Party–masses service centre of a community or street.</summary>
    PartyMassesServiceCentre,

    /// <summary>网格工作站.</summary>
    GridStation,

    /// <summary>警务室: a community police post.</summary>
    PolicePost,

    /// <summary>社区卫生服务站 / clinic.</summary>
    Clinic,

    Pharmacy,

    /// <summary>长者饭堂 / elder canteen.</summary>
    ElderCanteen,

    /// <summary>日间照料中心: day care for elders.</summary>
    ElderCare,

    Kindergarten,

    School,

    /// <summary>菜市场 / a fresh market.</summary>
    Market,
}

/// <summary>
/// One opening interval of a weekday, in minutes after midnight: <see cref="Opens"/> from 0 to 1439,
/// <see cref="Closes"/> after it, up to 1440 (24:00). A point open past midnight has two intervals, one each day.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.opening-interval")]
public sealed record OpeningInterval(
    [property: Id(0)] DayOfWeek Day,
    [property: Id(1)] int Opens,
    [property: Id(2)] int Closes);

/// <summary>What a PUT of a service point sets: the whole record. An empty <see cref="Hours"/> means "hours not known".</summary>
[GenerateSerializer, Immutable, Alias("gridgov.service-point-upsert")]
public sealed record ServicePointUpsert(
    [property: Id(0)] ServicePointKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] double Lat,
    [property: Id(3)] double Lon,
    [property: Id(4)] string? Address,
    [property: Id(5)] IReadOnlyList<OpeningInterval> Hours);

/// <summary>
/// A service point as stored: its fields, the grid and micro-grid that hold its location (by locate, at the time of its
/// last write; null when only the district's boundary holds it), and its version.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.service-point")]
public sealed record ServicePointSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] ServicePointKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] double Lat,
    [property: Id(4)] double Lon,
    [property: Id(5)] string? Address,
    [property: Id(6)] IReadOnlyList<OpeningInterval> Hours,
    [property: Id(7)] string? GridCode,
    [property: Id(8)] string? MicroGridCode,
    [property: Id(9)] long Version,
    [property: Id(10)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("gridgov.service-point-put")]
public sealed record ServicePointPutResult(
    [property: Id(0)] bool Created,
    [property: Id(1)] ServicePointSnapshot Point);

/// <summary>A service point within reach: its straight-line distance and the walking minutes at <see cref="Walking.MetresPerMinute"/>.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.service-point-near")]
public sealed record NearServicePoint(
    [property: Id(0)] ServicePointSnapshot Point,
    [property: Id(1)] double DistanceMetres,
    [property: Id(2)] double Minutes);

/// <summary>A page of a district's service points by id, and the cursor of the next page (null at the end).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.service-point-page")]
public sealed record ServicePointPage(
    [property: Id(0)] IReadOnlyList<ServicePointSnapshot> Items,
    [property: Id(1)] string? Next);

/// <summary>The walking model of the service circle: straight-line (great-circle) distance at a fixed walking speed.</summary>
public static class Walking
{
    /// <summary>80 m a minute (4.8 km/h), an adult's unhurried pace: 15 minutes reach 1 200 m in a straight line.</summary>
    public const double MetresPerMinute = 80;

    public const int DefaultMinutes = 15;

    /// <summary>The farthest a query looks: an hour's walk.</summary>
    public const int MaxMinutes = 60;
}

public static class ServicePointIds
{
    /// <summary><c>{district}-SP{id}</c>: the district code, "-SP", then 1 to 32 letters, digits, '-' or '_'.</summary>
    public static bool IsValid(string? id) => People.PeopleIds.IsValid(id, "SP");

    public const string Format = "{district}-SP{1 to 32 letters, digits, '-' or '_'}, e.g. 460204-SP001";
}
