using System.Diagnostics;
using System.Globalization;
using GridGov.Contracts.Territory;

namespace GridGov.Benchmarks;

/// <summary>Where a benchmark point lies relative to the district's grids.</summary>
public enum PointKind
{
    /// <summary>Strictly inside one grid.</summary>
    Inside,

    /// <summary>On the border shared by two neighbouring grids (the lower code must win).</summary>
    Border,

    /// <summary>Outside every district: no grid and no fallback.</summary>
    Outside,
}

/// <summary>A point to locate and the grid that must hold it (null: none).</summary>
public readonly record struct Probe(double Lat, double Lon, string? ExpectedGrid);

/// <summary>What importing the district cost.</summary>
public sealed record ImportReport(int Nodes, int Grids, TimeSpan Total, TimeSpan GridLevel)
{
    public double GridsPerSecond => Grids / GridLevel.TotalSeconds;

    public double NodesPerSecond => Nodes / Total.TotalSeconds;
}

/// <summary>
/// The benchmark's district: 100 × 100 comprehensive grids of 0.001° × 0.001° (about 105 m × 111 m) near Sanya,
/// grouped 10 × 10 into 100 communities and by rows of 10 into 10 streets: 10 111 nodes, 10 000 of them grids.
/// </summary>
public static class BenchmarkDistrict
{
    public const string Code = "460204";

    /// <summary>Grids per row and per column.</summary>
    public const int Side = 100;

    public const int GridCount = Side * Side;

    /// <summary>Grids per community side, and community rows per street.</summary>
    private const int Block = 10;

    private const double Step = 0.001;
    private const double WestLon = 109.40;
    private const double SouthLat = 18.20;

    /// <summary>Concurrent upserts while importing: 16, as the API's GeoJSON import.</summary>
    public const int DefaultImportParallelism = 16;

    /// <summary>
    /// The longitude of the grid column line <paramref name="column"/> (0…<see cref="Side"/>). Every polygon and every
    /// border probe takes its coordinates from here, so neighbours share bit-identical edges.
    /// </summary>
    public static double Lon(int column) => Math.Round(WestLon + column * Step, 6);

    public static double Lat(int row) => Math.Round(SouthLat + row * Step, 6);

    public static string StreetCode(int row) => Invariant($"{Code}{row / Block + 1:000}");

    public static string CommunityCode(int row, int column) => Invariant($"{StreetCode(row)}{column / Block + 1:000}");

    public static string GridCode(int row, int column) =>
        Invariant($"{CommunityCode(row, column)}{row % Block * Block + column % Block + 1:000}");

    /// <summary>Imports the district level by level (parents first), each level with bounded parallelism.</summary>
    public static async Task<ImportReport> ImportAsync(IGrainFactory grains, int parallelism, CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        await UpsertAsync(grains, Code, "Benchmark district", Rectangle(0, 0, Side, Side));

        var streets = Enumerable.Range(0, Side / Block).Select(s => s * Block).ToArray();
        await ForEachAsync(streets, parallelism, row => UpsertAsync(grains, StreetCode(row), $"Street {row / Block + 1}", Rectangle(row, 0, row + Block, Side)), cancellationToken);

        var communities = streets.SelectMany(row => streets.Select(column => (Row: row, Column: column))).ToArray();
        await ForEachAsync(
            communities,
            parallelism,
            c => UpsertAsync(grains, CommunityCode(c.Row, c.Column), $"Community {c.Row / Block + 1}-{c.Column / Block + 1}", Rectangle(c.Row, c.Column, c.Row + Block, c.Column + Block)),
            cancellationToken);

        var cells = Enumerable.Range(0, GridCount).Select(i => (Row: i / Side, Column: i % Side)).ToArray();
        var gridLevel = Stopwatch.StartNew();
        await ForEachAsync(
            cells,
            parallelism,
            c => UpsertAsync(grains, GridCode(c.Row, c.Column), $"Grid {c.Row}-{c.Column}", Rectangle(c.Row, c.Column, c.Row + 1, c.Column + 1)),
            cancellationToken);

        return new ImportReport(1 + streets.Length + communities.Length + cells.Length, cells.Length, total.Elapsed, gridLevel.Elapsed);
    }

    /// <summary><paramref name="count"/> reproducible probes of one kind, each with the grid that must hold it.</summary>
    public static Probe[] Probes(PointKind kind, int count, int seed = 20_260_101)
    {
        var random = new Random(seed + (int)kind);
        double Within(int line) => line + 0.05 + (0.9 * random.NextDouble());

        return Enumerable.Range(0, count).Select(_ =>
        {
            switch (kind)
            {
                case PointKind.Inside:
                {
                    var row = random.Next(Side);
                    var column = random.Next(Side);
                    return new Probe(LatAt(Within(row)), LonAt(Within(column)), GridCode(row, column));
                }

                case PointKind.Border when random.Next(2) == 0:
                {
                    // On the west edge of column `column`, shared with column - 1.
                    var row = random.Next(Side);
                    var column = random.Next(1, Side);
                    return new Probe(LatAt(Within(row)), Lon(column), Lowest(GridCode(row, column - 1), GridCode(row, column)));
                }

                case PointKind.Border:
                {
                    // On the south edge of row `row`, shared with row - 1.
                    var row = random.Next(1, Side);
                    var column = random.Next(Side);
                    return new Probe(Lat(row), LonAt(Within(column)), Lowest(GridCode(row - 1, column), GridCode(row, column)));
                }

                default:
                    // South-west of the district by 1 to 2 degrees: no district's extent holds it.
                    return new Probe(SouthLat - 1 - random.NextDouble(), WestLon - 1 - random.NextDouble(), null);
            }
        }).ToArray();
    }

    private static double LonAt(double columns) => WestLon + (columns * Step);

    private static double LatAt(double rows) => SouthLat + (rows * Step);

    private static string Lowest(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? a : b;

    /// <summary>A GeoJSON polygon covering grid rows [row0, row1) and columns [column0, column1).</summary>
    private static string Rectangle(int row0, int column0, int row1, int column1)
    {
        var (west, east, south, north) = (Lon(column0), Lon(column1), Lat(row0), Lat(row1));
        var ring = new[] { (west, south), (east, south), (east, north), (west, north), (west, south) }
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"[{p.Item1:R},{p.Item2:R}]"));
        return $$"""{"type":"Polygon","coordinates":[[{{string.Join(",", ring)}}]]}""";
    }

    private static async Task UpsertAsync(IGrainFactory grains, string code, string name, string boundary)
    {
        var result = await grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(name, boundary, []), null, false);
        if (result.Outcome == UpsertOutcome.Updated)
        {
            throw new InvalidOperationException($"{code} already existed with another name or boundary: import into a fresh data folder.");
        }
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, int parallelism, Func<T, Task> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            items,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (item, _) => await body(item));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
