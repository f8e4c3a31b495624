using GridGov.Contracts.Common;

namespace GridGov.Api.Infrastructure;

/// <summary>Lists page with a cursor and a limit: default 50, at most 500.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static int Limit(int? limit) => Limit(limit, DefaultLimit, MaxLimit);

    /// <summary>A limit for a list with its own default and maximum.</summary>
    public static int Limit(int? limit, int defaultLimit, int maxLimit) => limit switch
    {
        null => defaultLimit,
        >= 1 when limit <= maxLimit => limit.Value,
        _ => throw DomainException.Invalid("limit", $"limit is from 1 to {maxLimit}."),
    };
}
