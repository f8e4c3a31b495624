using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Cases;

/// <summary>
/// The duplicate check across grid borders. Each grid knows only its own open cases, so a point within the distance
/// of another grid asks that grid too: the district's index copy on this silo says which grids come that near (no
/// grain call, no district-wide grain), and a point inside a grid, far from its border, asks no one else.
/// </summary>
internal sealed partial class GridCasesGrain
{
    async Task<string?> IGridCasesGrain.FindDuplicateAsync(string category, double lat, double lon, DateTimeOffset since, double metres)
    {
        var here = this.GetPrimaryKeyString();
        var first = _nearby.Find(category, lat, lon, since, metres);
        OpenCase?[] found;
        try
        {
            var neighbours = await territory.NearAsync(DistrictCode.Of(here), lat, lon, metres, except: here);
            found = neighbours.Count == 0
                ? []
                : await Task.WhenAll(neighbours.Select(code =>
                    GrainFactory.GetGrain<IGridCasesGrain>(code).FindDuplicateHereAsync(category, lat, lon, since, metres)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A probable duplicate is a hint to staff: a report is not refused because a neighbour did not answer.
            LogNeighboursFailed(logger, e, here);
            return first?.Id;
        }

        foreach (var other in found)
        {
            if (other is not null && (first is null || CellCases.Compare(other, first) < 0))
            {
                first = other;
            }
        }

        return first?.Id;
    }

    Task<OpenCase?> IGridCasesGrain.FindDuplicateHereAsync(string category, double lat, double lon, DateTimeOffset since, double metres) =>
        Task.FromResult(_nearby.Find(category, lat, lon, since, metres));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid {Grid} could not ask its neighbouring grids for a duplicate; it answered from its own cases")]
    private static partial void LogNeighboursFailed(ILogger logger, Exception exception, string grid);
}
