namespace GridGov.Contracts.Territory;

/// <summary>A district's extent: the bounding box of every boundary in it.</summary>
public sealed record DistrictExtent(string District, double MinLon, double MinLat, double MaxLon, double MaxLat)
{
    public bool Contains(double lat, double lon) => lon >= MinLon && lon <= MaxLon && lat >= MinLat && lat <= MaxLat;
}
