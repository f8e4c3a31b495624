using System.Data.Common;
using System.Net.Sockets;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// Tells a failure the client should retry (a silo that died, a gateway or the database that does not answer, a call
/// that timed out) from a fault in GridGov. The first kind is a 503 with Retry-After an operator can act on; only the
/// second is a 500.
/// </summary>
internal static class Unavailability
{
    /// <summary>How long a client is asked to wait: about one failure-detection period of the cluster.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static bool IsTransient(Exception exception)
    {
        // Orleans and the storage providers wrap the cause (sometimes twice), so look down the chain.
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SiloUnavailableException:
                case OrleansMessageRejectionException:
                case Orleans.Runtime.Messaging.ConnectionFailedException:
                // A gateway that refuses more client traffic for now (its load shedding): try again later.
                case GatewayTooBusyException:
                case TimeoutException:
                case SocketException:
                case DbException { IsTransient: true }:
                case Npgsql.NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                case Npgsql.PostgresException p when IsServerGoingAway(p.SqlState):
                // A write whose commit the outage hid (the connection broke after the database committed) leaves the
                // activation's ETag behind the stored one; Orleans deactivates it, and a retry reads the stored state.
                case Orleans.Storage.InconsistentStateException:
                    return true;
            }
        }

        return exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient);
    }

    /// <summary>
    /// The server's own "not now": connection exceptions (class 08), insufficient resources such as too many
    /// connections (53), and operator intervention — a shutdown ending the session (57P01, 57P02), a server still
    /// starting or recovering (57P03), a statement cancelled (57014). Npgsql marks only some of them transient.
    /// </summary>
    private static bool IsServerGoingAway(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is "57P01" or "57P02" or "57P03" or "57014";
}
