using GridGov.Contracts.Territory;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace GridGov.Grains.Territory;

/// <summary>
/// One district's nodes as prepared geometries in an STR-tree, answering which grid holds a point. The index grain
/// holds the original; every silo holds a copy (<see cref="DistrictIndexes"/>) that the grain keeps current. Changing
/// it is not thread-safe (the grain is single-threaded and the copies lock around changes), but a built
/// <see cref="Tree"/> is never changed afterwards — a change builds a new one — and NetTopologySuite's built STR-trees
/// and prepared polygons answer queries from any number of threads, so a copy's locates need no lock.
/// </summary>
internal sealed class DistrictIndex
{
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private STRtree<Node>? _tree;

    /// <summary>
    /// A fingerprint of every node's code and version, the same wherever the same nodes are held, so a copy can tell
    /// cheaply whether it missed a change.
    /// </summary>
    public long Digest { get; private set; }

    public IEnumerable<TerritoryIndexEntry> Entries => _nodes.Values.Select(n => n.Entry);

    /// <summary>The node held under <paramref name="code"/>, if any.</summary>
    public Node? Find(string code) => _nodes.GetValueOrDefault(code);

    public bool IsNewer(TerritoryIndexEntry entry) =>
        !_nodes.TryGetValue(entry.Code, out var known) || known.Entry.Version < entry.Version;

    /// <summary>The entry with its boundary parsed and prepared, once, for <see cref="Upsert(Node)"/>.</summary>
    public static Node Prepare(TerritoryIndexEntry entry) => Node.From(entry);

    /// <summary>Takes the entry when it is newer than the one held; false when it is not.</summary>
    public bool Upsert(TerritoryIndexEntry entry) => IsNewer(entry) && Upsert(Prepare(entry));

    /// <summary>Takes the prepared entry when it is newer than the one held; false when it is not.</summary>
    public bool Upsert(Node node)
    {
        var entry = node.Entry;
        if (!IsNewer(entry))
        {
            return false;
        }

        if (_nodes.TryGetValue(entry.Code, out var old))
        {
            Digest ^= Fingerprint(old.Entry);
        }

        _nodes[entry.Code] = node;
        Digest ^= Fingerprint(entry);
        _tree = null;
        return true;
    }

    /// <summary>The bounding box of every boundary in the district, or null when none has one.</summary>
    public DistrictExtent? Extent(string district)
    {
        var envelope = new Envelope();
        foreach (var node in _nodes.Values.Where(n => n.Geometry is not null))
        {
            envelope.ExpandToInclude(node.Geometry!.Geometry.EnvelopeInternal);
        }

        return envelope.IsNull ? null : new DistrictExtent(district, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY);
    }

    public LocateResult Locate(double lat, double lon) => Locate(Tree(), lat, lon);

    /// <summary>The nodes as a built STR-tree: the same instance until the next change, then a new one.</summary>
    public STRtree<Node> Tree() => _tree ??= Build();

    /// <summary>Which grid of a built tree holds the point; reads the tree only, so threads may share it.</summary>
    public static LocateResult Locate(STRtree<Node> tree, double lat, double lon)
    {
        var point = Boundaries.Factory.CreatePoint(new Coordinate(lon, lat));
        var covering = tree.Query(point.EnvelopeInternal)
            .Where(n => n.Geometry!.Covers(point))
            .ToList();

        // A point on a shared border is covered by both grids: the lowest code wins, so the answer is stable.
        var grid = Lowest(covering, TerritoryLevel.Grid);
        if (grid is not null)
        {
            var microGrid = Lowest(covering.Where(n => n.Entry.Code.StartsWith(grid.Code, StringComparison.Ordinal)), TerritoryLevel.MicroGrid);
            return new LocateResult(grid, microGrid, null);
        }

        var fallback = covering
            .Where(n => n.Level < TerritoryLevel.Grid)
            .OrderByDescending(n => n.Level)
            .ThenBy(n => n.Entry.Code, StringComparer.Ordinal)
            .Select(n => n.ToLocated())
            .FirstOrDefault();
        return new LocateResult(null, null, fallback);
    }

    private static LocatedNode? Lowest(IEnumerable<Node> nodes, TerritoryLevel level) => nodes
        .Where(n => n.Level == level)
        .OrderBy(n => n.Entry.Code, StringComparer.Ordinal)
        .Select(n => n.ToLocated())
        .FirstOrDefault();

    private STRtree<Node> Build()
    {
        var tree = new STRtree<Node>();
        foreach (var node in _nodes.Values.Where(n => n.Geometry is not null))
        {
            tree.Insert(node.Geometry!.Geometry.EnvelopeInternal, node);
        }

        tree.Build();
        return tree;
    }

    /// <summary>FNV-1a over the code and the version: stable across processes, unlike string hash codes.</summary>
    private static long Fingerprint(TerritoryIndexEntry entry)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in entry.Code)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        for (var shift = 0; shift < 64; shift += 8)
        {
            hash = (hash ^ (byte)(entry.Version >> shift)) * 1099511628211UL;
        }

        return (long)hash;
    }

    /// <summary>A node as the index holds it: its entry, level and prepared boundary.</summary>
    public sealed record Node(TerritoryIndexEntry Entry, TerritoryLevel Level, IPreparedGeometry? Geometry)
    {
        /// <summary>The boundary's bounding box, or null for a node without one.</summary>
        public Envelope? Envelope => Geometry?.Geometry.EnvelopeInternal;

        public static Node From(TerritoryIndexEntry entry) => new(
            entry,
            TerritoryCode.LevelOf(entry.Code),
            entry.Boundary is null ? null : PreparedGeometryFactory.Prepare(Boundaries.Parse(entry.Boundary)));

        public LocatedNode ToLocated() => new(Entry.Code, Entry.Name, Level);
    }
}
