using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Security;

/// <summary>
/// The cluster's own tenancy check, behind the API's: a call to a district's grain (<see cref="ITenantGrain"/>) must
/// carry a signed caller whose scope covers the district in the grain's key. Calls from outside the silo (clients)
/// must always carry one; calls between grains carry the caller of the request that caused them, and a grain acting
/// on its own (a reminder, an activation) carries none and is trusted.
/// </summary>
public sealed class TenantCallFilter(CallerSigner signer) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetContext.GrainInstance is ITenantGrain)
        {
            Check(context);
        }

        return context.Invoke();
    }

    private void Check(IIncomingGrainCallContext context)
    {
        // Clients (the API processes, any other cluster client) have a client id; the silo's own services (the
        // reminder service ticking a reminder, for one) call without a source.
        var fromClient = context.SourceId is { } source && source.IsClient();
        var current = CallerContext.Current();
        if (current is null)
        {
            if (fromClient)
            {
                throw new UnauthorizedCallException($"A call to {context.TargetId} carries no caller.");
            }

            return;
        }

        var (caller, signature) = current.Value;
        if (!signer.Verify(caller, signature))
        {
            throw new UnauthorizedCallException($"A call to {context.TargetId} carries a caller whose signature is not valid.");
        }

        var key = context.TargetId.Key.ToString();
        if (key.Length < 6 || !Scopes.Covers(caller.Scope, DistrictCode.Of(key)))
        {
            // Refused as not found, like the API: another district's entity does not exist for this caller.
            throw DomainException.NotFound($"{context.TargetId.Key} does not exist.");
        }
    }
}
