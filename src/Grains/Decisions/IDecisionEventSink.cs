using GridGov.Contracts.Decisions;

namespace GridGov.Grains.Decisions;

/// <summary>
/// Where a decision's events go to reach live feeds and webhooks: the case-event log, under the village's territory
/// code (Hosting's <c>DecisionEventLog</c>). At least once: a consumer ignores a version it has seen.
/// </summary>
public interface IDecisionEventSink
{
    Task AppendAsync(IReadOnlyList<DecisionLogEntry> entries, CancellationToken cancellationToken);
}

/// <summary>A decision event as it is published: the decision without personal data.</summary>
public sealed record DecisionLogEntry(
    Guid EventId, string DecisionId, long Version, string Type, string Village, DateTimeOffset At, string Actor, string? Note, PublicDecision Decision);
