namespace GridGov.Contracts.Common;

/// <summary>Answers a ping from the silo the caller reaches: proves the client or co-hosted silo is connected.</summary>
[Alias("gridgov.health")]
public interface IHealthGrain : IGrainWithIntegerKey
{
    [Alias("ping")]
    Task<string> PingAsync();
}
