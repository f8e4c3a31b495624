using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace GridGov.IntakeBenchmark;

/// <summary>
/// The district the load reports into: 2 streets side by side, each of 2 communities stacked, each community a block of
/// rectangular grids (2 rows), so <c>grids</c> = 4 × the grids of a community. Cells are about 430 m × 555 m.
/// </summary>
public sealed class District
{
    public const string Code = "110105";
    private const double West = 116.40;
    private const double South = 39.90;
    private const double Cell = 0.005;

    private readonly List<(string Code, double West, double South)> _grids = [];

    public District(int grids)
    {
        var perCommunity = grids / 4;
        var columns = perCommunity / 2;
        for (var street = 0; street < 2; street++)
        {
            for (var community = 0; community < 2; community++)
            {
                for (var g = 0; g < perCommunity; g++)
                {
                    var code = GridCode(street, community, g);
                    var x = West + (((street * columns) + (g % columns)) * Cell);
                    var y = South + (((community * 2) + (g / columns)) * Cell);
                    _grids.Add((code, x, y));
                }
            }
        }

        Columns = columns;
    }

    private int Columns { get; }

    public IReadOnlyList<string> GridCodes => _grids.Select(g => g.Code).ToArray();

    /// <summary>The GeoJSON FeatureCollection of the district, its streets, communities and grids.</summary>
    public string GeoJson()
    {
        var features = new JsonArray
        {
            Feature(Code, "基准区 Benchmark district", West, South, 2 * Columns * Cell, 4 * Cell),
        };
        for (var street = 0; street < 2; street++)
        {
            var streetCode = Code + (street + 1).ToString("000", CultureInfo.InvariantCulture);
            features.Add(Feature(streetCode, $"街道 {street + 1}", West + (street * Columns * Cell), South, Columns * Cell, 4 * Cell));
            for (var community = 0; community < 2; community++)
            {
                var communityCode = streetCode + (community + 1).ToString("000", CultureInfo.InvariantCulture);
                features.Add(Feature(communityCode, $"社区 {street + 1}-{community + 1}", West + (street * Columns * Cell), South + (community * 2 * Cell), Columns * Cell, 2 * Cell));
            }
        }

        foreach (var (code, x, y) in _grids)
        {
            features.Add(Feature(code, $"网格 {code[^6..]}", x, y, Cell, Cell));
        }

        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = features }.ToJsonString();
    }

    /// <summary>
    /// Requests spread uniformly over the grids (a point well inside a random grid each): case reports POSTed to
    /// <paramref name="target"/>, or for <see cref="GridGovVariant.Locate"/> GETs of <c>/api/v1/locate</c>.
    /// </summary>
    public LoadRequest[] Requests(Uri target, int count, GridGovVariant variant, int seed)
    {
        var random = new Random(seed);
        var requests = new LoadRequest[count];
        for (var i = 0; i < count; i++)
        {
            var (code, x, y) = _grids[random.Next(_grids.Count)];
            var lon = Math.Round(x + (Cell * (0.05 + (0.9 * random.NextDouble()))), 6);
            var lat = Math.Round(y + (Cell * (0.05 + (0.9 * random.NextDouble()))), 6);
            if (variant == GridGovVariant.Locate)
            {
                requests[i] = new LoadRequest(new Uri(target, FormattableString.Invariant($"/api/v1/locate?lat={lat}&lon={lon}")), null);
                continue;
            }

            var body = new JsonObject
            {
                ["category"] = "event.environment",
                ["description"] = $"垃圾堆放 rubbish left on the pavement, report {i}",
                ["source"] = "residentApp",
                ["lat"] = lat,
                ["lon"] = lon,
            };
            if (variant == GridGovVariant.OperatorGridCode)
            {
                body["gridCode"] = code;
            }

            requests[i] = new LoadRequest(target, Encoding.UTF8.GetBytes(body.ToJsonString()));
        }

        return requests;
    }

    private static string GridCode(int street, int community, int grid) =>
        Code + (street + 1).ToString("000", CultureInfo.InvariantCulture) + (community + 1).ToString("000", CultureInfo.InvariantCulture)
        + (grid + 1).ToString("000", CultureInfo.InvariantCulture);

    private static JsonObject Feature(string code, string name, double west, double south, double width, double height)
    {
        static JsonArray Position(double lon, double lat) => [Math.Round(lon, 6), Math.Round(lat, 6)];
        var (east, north) = (west + width, south + height);
        return new JsonObject
        {
            ["type"] = "Feature",
            ["properties"] = new JsonObject { ["code"] = code, ["name"] = name },
            ["geometry"] = new JsonObject
            {
                ["type"] = "Polygon",
                ["coordinates"] = new JsonArray
                {
                    new JsonArray { Position(west, south), Position(east, south), Position(east, north), Position(west, north), Position(west, south) },
                },
            },
        };
    }
}
