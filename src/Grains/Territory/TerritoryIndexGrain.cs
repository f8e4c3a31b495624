using GridGov.Contracts.Territory;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace GridGov.Grains.Territory;

/// <summary>
/// The spatial index of one district. Holds every node with a boundary as a prepared geometry in an STR-tree,
/// loaded from its table on activation and kept current by the nodes themselves.
/// </summary>
internal sealed class TerritoryIndexGrain(ITerritoryIndexStore store) : Grain, ITerritoryIndexGrain
{
    private readonly Dictionary<string, IndexedNode> _nodes = new(StringComparer.Ordinal);
    private STRtree<IndexedNode>? _tree;
    private DistrictExtent? _extent;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in await store.LoadDistrictAsync(this.GetPrimaryKeyString(), cancellationToken))
        {
            _nodes[entry.Code] = IndexedNode.From(entry);
        }

        // Written again on activation, so an extent whose write was cut off by a crash is repaired.
        _extent = Extent();
        if (_extent is not null)
        {
            await store.SetDistrictExtentAsync(_extent, cancellationToken);
        }
    }

    async Task ITerritoryIndexGrain.UpsertAsync(TerritoryIndexEntry entry)
    {
        if (_nodes.TryGetValue(entry.Code, out var known) && known.Entry.Version >= entry.Version)
        {
            return;
        }

        var node = IndexedNode.From(entry);
        var envelope = node.Geometry?.Geometry.EnvelopeInternal;
        await store.UpsertAsync(
            entry,
            envelope is null ? null : [envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY],
            CancellationToken.None);
        _nodes[entry.Code] = node;
        _tree = null;

        var extent = Extent();
        if (extent != _extent)
        {
            if (extent is not null)
            {
                await store.SetDistrictExtentAsync(extent, CancellationToken.None);
            }

            _extent = extent;
        }
    }

    /// <summary>The bounding box of every boundary in the district, or null when none has one.</summary>
    private DistrictExtent? Extent()
    {
        var envelope = new Envelope();
        foreach (var node in _nodes.Values.Where(n => n.Geometry is not null))
        {
            envelope.ExpandToInclude(node.Geometry!.Geometry.EnvelopeInternal);
        }

        return envelope.IsNull ? null : new DistrictExtent(this.GetPrimaryKeyString(), envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY);
    }

    Task<LocateResult> ITerritoryIndexGrain.LocateAsync(double lat, double lon)
    {
        _tree ??= Build();
        var point = Boundaries.Factory.CreatePoint(new Coordinate(lon, lat));
        var covering = _tree.Query(point.EnvelopeInternal)
            .Where(n => n.Geometry!.Covers(point))
            .ToList();

        // A point on a shared border is covered by both grids: the lowest code wins, so the answer is stable.
        var grid = Lowest(covering, TerritoryLevel.Grid);
        if (grid is not null)
        {
            var microGrid = Lowest(covering.Where(n => n.Entry.Code.StartsWith(grid.Code, StringComparison.Ordinal)), TerritoryLevel.MicroGrid);
            return Task.FromResult(new LocateResult(grid, microGrid, null));
        }

        var fallback = covering
            .Where(n => n.Level < TerritoryLevel.Grid)
            .OrderByDescending(n => n.Level)
            .ThenBy(n => n.Entry.Code, StringComparer.Ordinal)
            .Select(n => n.ToLocated())
            .FirstOrDefault();
        return Task.FromResult(new LocateResult(null, null, fallback));
    }

    private static LocatedNode? Lowest(IEnumerable<IndexedNode> nodes, TerritoryLevel level) => nodes
        .Where(n => n.Level == level)
        .OrderBy(n => n.Entry.Code, StringComparer.Ordinal)
        .Select(n => n.ToLocated())
        .FirstOrDefault();

    private STRtree<IndexedNode> Build()
    {
        var tree = new STRtree<IndexedNode>();
        foreach (var node in _nodes.Values.Where(n => n.Geometry is not null))
        {
            tree.Insert(node.Geometry!.Geometry.EnvelopeInternal, node);
        }

        tree.Build();
        return tree;
    }

    private sealed record IndexedNode(TerritoryIndexEntry Entry, TerritoryLevel Level, IPreparedGeometry? Geometry)
    {
        public static IndexedNode From(TerritoryIndexEntry entry) => new(
            entry,
            TerritoryCode.LevelOf(entry.Code),
            entry.Boundary is null ? null : PreparedGeometryFactory.Prepare(Boundaries.Parse(entry.Boundary)));

        public LocatedNode ToLocated() => new(Entry.Code, Entry.Name, Level);
    }
}
