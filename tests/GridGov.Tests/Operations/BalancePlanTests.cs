using System.Net;
using GridGov.Grains.Operations;

namespace GridGov.Tests.Operations;

/// <summary>The balancer's plan: deterministic, bounded, toward the mean, and nothing when every silo is near it.</summary>
public sealed class BalancePlanTests
{
    private static readonly SiloAddress[] Silos = [Silo(1), Silo(2), Silo(3)];

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    /// <summary>The counts after applying the plan's moves for the kind.</summary>
    private static int[] After(int[] counts)
    {
        var after = counts.ToArray();
        foreach (var (from, to, n) in BalancePlan.ForKind(counts))
        {
            after[from] -= n;
            after[to] += n;
        }

        return after;
    }

    [Theory]
    [InlineData(new[] { 6, 6, 5 })]
    [InlineData(new[] { 100, 95, 108 })]
    [InlineData(new[] { 0, 0, 0 })]
    [InlineData(new[] { 1, 0, 0 })]
    public void Silos_near_the_mean_move_nothing(int[] counts) => Assert.Empty(BalancePlan.ForKind(counts));

    [Fact]
    public void A_joined_silo_gets_grids_from_the_fullest_until_every_silo_is_within_one_of_the_mean()
    {
        // The grids' views before the balancer: two on one silo, fifteen on the other, none on the silo that joined.
        int[] counts = [2, 15, 0];
        var plans = 0;
        while (BalancePlan.ForKind(counts).Count > 0)
        {
            var moves = BalancePlan.ForKind(counts);
            Assert.True(moves.Sum(m => m.Count) <= 2, "at most 10 % of 17 (rounded up) move per plan");
            Assert.All(moves, m => Assert.True(counts[m.From] > counts[m.To], "moves go from fuller to emptier silos"));
            counts = After(counts);
            plans++;
        }

        Assert.Equal(new[] { 6, 6, 5 }, counts.OrderDescending().ToArray());
        Assert.True(plans <= 5, $"{plans} plans");
    }

    [Fact]
    public void Many_cases_converge_within_the_tolerance_in_a_few_plans_and_never_move_back()
    {
        int[] counts = [7178, 3251, 0];
        var plans = 0;
        while (BalancePlan.ForKind(counts) is { Count: > 0 } moves)
        {
            Assert.True(moves.Sum(m => m.Count) <= 1043);
            Assert.DoesNotContain(moves, m => m.To == 0);
            counts = After(counts);
            plans++;
        }

        var mean = counts.Average();
        Assert.All(counts, c => Assert.InRange(c, mean * 0.9, mean * 1.1));
        Assert.InRange(plans, 2, 6);
    }

    [Fact]
    public void The_plan_is_the_same_whatever_order_the_reports_came_in()
    {
        var counts = new Dictionary<SiloAddress, IReadOnlyDictionary<string, int>>
        {
            [Silos[2]] = new Dictionary<string, int> { ["grids"] = 0, ["cases"] = 40 },
            [Silos[0]] = new Dictionary<string, int> { ["grids"] = 10, ["cases"] = 10 },
            [Silos[1]] = new Dictionary<string, int> { ["grids"] = 8, ["cases"] = 10 },
        };
        var reversed = counts.Reverse().ToDictionary(p => p.Key, p => p.Value);

        var plan = BalancePlan.For(counts);
        Assert.Equal(plan, BalancePlan.For(reversed));
        Assert.Contains(plan, m => m is { Kind: "grids", Count: 2 } && m.From == Silos[0] && m.To == Silos[2]);
        Assert.Contains(plan, m => m is { Kind: "cases", Count: 6 } && m.From == Silos[2] && m.To == Silos[0]);
    }
}
