using GridGov.Contracts.Operations;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Operations;

/// <summary>
/// The balancer's one meeting point: it keeps every silo's latest report and, from the snapshot they make, one plan
/// (<see cref="BalancePlan"/>) whose moves each silo is handed with the answer to its next report. After a plan it
/// makes no other until every silo has reported again at least <see cref="Settle"/> after the last moves were handed
/// out, so no plan is made from counts that predate the previous plan's moves. It keeps nothing in storage: a new
/// activation (its silo went away) knows every silo again one interval later. A silo that joined is planned for once
/// it has reported; one that left drops out of the reporters' view of the active silos, and so out of the plan.
/// </summary>
internal sealed partial class ActivationBalanceGrain(TimeProvider time, ILogger<ActivationBalanceGrain> logger) : Grain, IActivationBalanceGrain
{
    /// <summary>How long the moves handed out may take to land before the counts count again.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    /// <summary>A silo that has not reported for this many of its intervals is forgotten.</summary>
    private const int MissedReports = 3;

    /// <summary>
    /// A plan waits while an active silo's report is older than this many intervals: a silo that stopped reporting may
    /// have died without the membership knowing yet, and nothing should be sent to it.
    /// </summary>
    private const int FreshReports = 2;

    private readonly Dictionary<SiloAddress, (ActivationReport Report, long At)> _reports = [];
    private readonly Dictionary<SiloAddress, List<ActivationMove>> _orders = [];
    private long? _ordersAt;
    private long? _handedOutAt;

    Task<IReadOnlyList<ActivationMove>> IActivationBalanceGrain.ReportAsync(ActivationReport report)
    {
        var now = time.GetTimestamp();
        _reports[report.Silo] = (report, now);
        foreach (var (silo, (old, at)) in _reports.ToArray())
        {
            if (time.GetElapsedTime(at, now) > old.Interval * MissedReports)
            {
                _reports.Remove(silo);
                _orders.Remove(silo);
            }
        }

        // Orders not collected within two intervals are dropped: they were planned on counts that have moved since.
        if (_ordersAt is { } planned && time.GetElapsedTime(planned, now) > report.Interval * 2)
        {
            _orders.Clear();
        }

        if (_orders.Count == 0)
        {
            Plan(report.Active, now);
        }

        return Task.FromResult(HandOut(report.Silo, now));
    }

    private IReadOnlyList<ActivationMove> HandOut(SiloAddress silo, long now)
    {
        if (!_orders.Remove(silo, out var mine))
        {
            return [];
        }

        _handedOutAt = now;
        return mine;
    }

    /// <summary>
    /// Plans over the silos the reporter sees active, once every one of them has reported recently, and after the last
    /// moves had time to land, if any were handed out.
    /// </summary>
    private void Plan(IReadOnlyList<SiloAddress> active, long now)
    {
        bool Current((ActivationReport Report, long At) r) =>
            time.GetElapsedTime(r.At, now) <= r.Report.Interval * FreshReports
            && (_handedOutAt is not { } handed || time.GetElapsedTime(handed, r.At) >= Settle);

        if (active.Count < 2 || !active.All(s => _reports.TryGetValue(s, out var r) && Current(r)))
        {
            return;
        }

        var plan = BalancePlan.For(active.Distinct().ToDictionary(s => s, s => _reports[s].Report.Counts));
        foreach (var move in plan)
        {
            LogPlanned(logger, move.Count, move.Kind, move.From, move.To);
            if (!_orders.TryGetValue(move.From, out var list))
            {
                _orders[move.From] = list = [];
            }

            list.Add(new ActivationMove(move.Kind, move.To, move.Count));
        }

        _ordersAt = time.GetTimestamp();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Balance: {Count} {Kind} to move from {From} to {To}")]
    private static partial void LogPlanned(ILogger logger, int count, string kind, SiloAddress from, SiloAddress to);
}
