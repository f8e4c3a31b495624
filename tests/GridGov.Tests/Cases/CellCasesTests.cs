using GridGov.Contracts.Cases;
using GridGov.Grains.Cases;

namespace GridGov.Tests.Cases;

/// <summary>One cell of the duplicate index: report order whatever the arrival order, and the earliest match first.</summary>
public sealed class CellCasesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private const double Lat = 39.9;
    private const double Lon = 116.4;

    private static OpenCase Case(string id, int minutes, double northMetres = 0) =>
        new(id, CaseState.Reported, "event.environment", Lat + (northMetres / 111_195), Lon, T0.AddMinutes(minutes), null, null, false, 1);

    [Fact]
    public void The_earliest_case_in_reach_wins_whatever_the_arrival_order()
    {
        var cell = new CellCases();
        cell.Add(Case("c", 30));
        cell.Add(Case("a", 10, northMetres: 80));
        cell.Add(Case("b", 20));
        cell.Add(Case("b2", 20));

        // "a" is earliest but 80 m away; "b" and "b2" tie on time and the lower id wins.
        Assert.Equal("b", cell.Earliest(T0, Lat, Lon, 50)?.Id);
        Assert.Equal("a", cell.Earliest(T0, Lat, Lon, 100)?.Id);
    }

    [Fact]
    public void Cases_before_the_window_are_skipped_and_removed_cases_are_gone()
    {
        var cell = new CellCases();
        var old = Case("old", -60 * 25);
        var recent = Case("recent", 5);
        cell.Add(old);
        cell.Add(recent);

        Assert.Equal("recent", cell.Earliest(T0.AddHours(-24), Lat, Lon, 50)?.Id);
        Assert.True(cell.Remove(recent));
        Assert.False(cell.Remove(recent));
        Assert.Null(cell.Earliest(T0.AddHours(-24), Lat, Lon, 50));
        Assert.Equal(1, cell.Count);
    }
}
