using GridGov.Contracts.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridGov.Hosting.Operations;

/// <summary>
/// Spreads the grids' views and the cases' activations evenly over the silos (docs/operations.md, "Scale out and
/// in"). Orleans places a new activation once and never moves it; its rebalancer balances each silo's total, not
/// types, so the grids' long-lived views stayed on the silos that were there first. Every interval each silo reports
/// its own counts of the balanced kinds (<see cref="LocalActivations"/>) to <see cref="IActivationBalanceGrain"/>,
/// which answers with this silo's share of one plan made from every active silo's report; the silo then asks that many
/// of its activations to migrate, each to the silo the plan names. Not on any request's path.
/// </summary>
public sealed partial class ActivationBalancer(
    BalanceSettings settings,
    LocalActivations local,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<ActivationBalancer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(settings.Interval, time, stoppingToken);
                await RoundAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One report and this silo's moves; answers how many activations it asked to migrate.</summary>
    public async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A silo that is joining or leaving neither reports nor moves: it is not a target of anyone's plan either.
            var self = silo.SiloAddress;
            var view = membership.CurrentSnapshot;
            if (view.GetSiloStatus(self) != SiloStatus.Active)
            {
                return 0;
            }

            var active = view.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
            var moves = await grains.GetGrain<IActivationBalanceGrain>(0)
                .ReportAsync(new ActivationReport(self, local.Counts(), settings.Interval, active))
                .WaitAsync(cancellationToken);
            var asked = 0;
            foreach (var move in moves)
            {
                if (membership.CurrentSnapshot.GetSiloStatus(move.To) != SiloStatus.Active)
                {
                    continue;
                }

                var n = local.Migrate(move.Kind, move.Count, move.To);
                LogMoving(logger, n, move.Kind, move.To);
                asked += n;
            }

            return asked;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRoundFailed(logger, e);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Balance: asked {Count} {Kind} to migrate to {To}")]
    private static partial void LogMoving(ILogger logger, int count, string kind, SiloAddress to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Balance: a round failed; the next runs in one interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}

public static class ActivationBalancerHosting
{
    /// <summary>Runs the per-type balancer on this silo (every silo of a cluster should, with the same interval).</summary>
    public static ISiloBuilder AddGridGovBalancer(this ISiloBuilder silo, BalanceSettings settings)
    {
        silo.Services.AddSingleton(settings);
        silo.Services.AddSingleton<LocalActivations>();
        silo.Services.AddSingleton<IActivationWorkingSetObserver>(sp => sp.GetRequiredService<LocalActivations>());
        silo.Services.AddHostedService<ActivationBalancer>();
        return silo;
    }
}
