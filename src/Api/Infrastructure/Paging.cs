using GridGov.Contracts.Common;

namespace GridGov.Api.Infrastructure;

/// <summary>Lists page with a cursor and a limit: default 50, at most 500.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static int Limit(int? limit) => limit switch
    {
        null => DefaultLimit,
        >= 1 and <= MaxLimit => limit.Value,
        _ => throw DomainException.Invalid("limit", $"limit is from 1 to {MaxLimit}."),
    };
}
