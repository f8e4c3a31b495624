using System.Data.Common;
using System.Net.Sockets;
using GridGov.Api.Infrastructure;
using GridGov.Contracts.Common;

namespace GridGov.Tests.Api;

/// <summary>What the API answers 503 with Retry-After (retry later) rather than 500 (a fault in GridGov).</summary>
public sealed class UnavailabilityTests
{
    public static TheoryData<Exception> Transient() =>
    [
        new SiloUnavailableException("silo gone"),
        new OrleansException("call failed", new Orleans.Runtime.Messaging.ConnectionFailedException("connection refused")),
        new TimeoutException("response timed out"),
        new GatewayTooBusyException("shedding load"),
        new OrleansException("storage failed", new Npgsql.NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))),
        new AggregateException(new TimeoutException()),
        new OrleansException("storage failed", new Npgsql.PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")),
        new OrleansException("activation failed", new Npgsql.PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")),
        new Npgsql.PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"),
        new Orleans.Storage.InconsistentStateException("etag mismatch", "1", "2"),
    ];

    public static TheoryData<Exception> Faults() =>
    [
        new InvalidOperationException("a bug"),
        new NullReferenceException(),
        new OrleansException("a bug inside Orleans", new ArgumentException("bad")),
        DomainException.Invalid("name", "refused"),
        new Npgsql.PostgresException("syntax error", "ERROR", "ERROR", "42601"),
        new Npgsql.PostgresException("duplicate key", "ERROR", "ERROR", "23505"),
    ];

    [Theory]
    [MemberData(nameof(Transient))]
    public void A_failure_to_reach_the_cluster_or_database_is_retryable(Exception exception) =>
        Assert.True(Unavailability.IsTransient(exception));

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_fault_is_not(Exception exception) =>
        Assert.False(Unavailability.IsTransient(exception));
}
