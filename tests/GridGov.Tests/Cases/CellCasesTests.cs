using GridGov.Contracts.Cases;
using GridGov.Grains.Cases;

namespace GridGov.Tests.Cases;

/// <summary>The duplicate index: report order whatever the arrival order, and the earliest match first.</summary>
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
        Assert.Equal("b", cell.Earliest(T0, null, Lat, Lon, 50)?.Id);
        Assert.Equal("a", cell.Earliest(T0, null, Lat, Lon, 100)?.Id);

        // Bounded by a match found elsewhere: only what was reported before it.
        Assert.Null(cell.Earliest(T0, Case("b", 20), Lat, Lon, 50));
        Assert.Equal("a", cell.Earliest(T0, Case("b", 20), Lat, Lon, 100)?.Id);
    }

    [Fact]
    public void Cases_before_the_window_are_skipped_and_removed_cases_are_gone()
    {
        var cell = new CellCases();
        var old = Case("old", -60 * 25);
        var recent = Case("recent", 5);
        cell.Add(old);
        cell.Add(recent);

        Assert.Equal("recent", cell.Earliest(T0.AddHours(-24), null, Lat, Lon, 50)?.Id);
        Assert.True(cell.Remove(recent));
        Assert.False(cell.Remove(recent));
        Assert.Null(cell.Earliest(T0.AddHours(-24), null, Lat, Lon, 50));
        Assert.Equal(1, cell.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_index_answers_as_a_scan_of_every_open_case_would(int seed)
    {
        var random = new Random(seed);
        var index = new DuplicateIndex();
        var open = new Dictionary<string, OpenCase>();
        string[] categories = ["a", "b"];
        for (var i = 0; i < 3_000; i++)
        {
            // Points within about 300 m, times within two days, arriving in any order; some closed again.
            var c = new OpenCase(
                $"c{i:D5}", CaseState.Reported, categories[random.Next(2)], Lat + (random.NextDouble() * 0.003), Lon + (random.NextDouble() * 0.004),
                T0.AddMinutes(random.Next(-48 * 60, 0)), null, null, false, 1);
            index.Add(c);
            open[c.Id] = c;
            if (random.Next(5) == 0)
            {
                var gone = open.Values.ElementAt(random.Next(open.Count));
                index.Remove(gone);
                open.Remove(gone.Id);
            }

            var (lat, lon, category) = (Lat + (random.NextDouble() * 0.003), Lon + (random.NextDouble() * 0.004), categories[random.Next(2)]);
            var metres = random.Next(10, 120);
            var since = T0.AddHours(-24);
            var expected = open.Values
                .Where(o => o.Category == category && o.ReportedAt >= since && Distance.Metres(lat, lon, o.Lat!.Value, o.Lon!.Value) <= metres)
                .OrderBy(o => o.ReportedAt).ThenBy(o => o.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            Assert.Equal(expected?.Id, index.Find(category, lat, lon, since, metres)?.Id);
        }
    }
}
