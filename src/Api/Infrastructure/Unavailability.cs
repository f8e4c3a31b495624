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
                    return true;
            }
        }

        return exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient);
    }
}
