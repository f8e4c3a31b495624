namespace GridGov.Contracts.Cases;

/// <summary>
/// A filter over the case read model (table <c>gridgov_cases</c>). <c>Ids</c> and <c>Categories</c> match any of
/// theirs; <c>Offset</c> skips that many rows (Open311's pages; native lists page with <c>After</c>); <c>EnterpriseId</c>
/// keeps the cases that name that enterprise.
/// </summary>
public sealed record CaseQuery(
    string? District,
    string? Territory,
    CaseState? State,
    string? Category,
    bool? Overdue,
    DateTimeOffset? From,
    DateTimeOffset? To,
    (DateTimeOffset ReportedAt, string Id)? After,
    int Limit,
    string? Assignee = null,
    bool? Warned = null,
    bool? Open = null,
    IReadOnlyList<string>? Ids = null,
    IReadOnlyList<string>? Categories = null,
    int Offset = 0,
    string? EnterpriseId = null);

/// <summary>The case read model: one row per case, written in batches by the grids' views, newest version wins.</summary>
public interface ICaseReadModel
{
    /// <summary>Writes every snapshot in one statement, each only where the row's version is older.</summary>
    Task UpsertAsync(IReadOnlyCollection<CaseSnapshot> cases, CancellationToken cancellationToken) =>
        ProjectAsync(cases, [], cancellationToken);

    /// <summary>
    /// In one transaction: upserts the snapshots (each only where the row's version is older) and appends the events to
    /// the case-event log that live feeds and webhooks read.
    /// </summary>
    Task ProjectAsync(IReadOnlyCollection<CaseSnapshot> cases, IReadOnlyCollection<CaseEvent> events, CancellationToken cancellationToken);

    /// <summary>Every case routed to exactly this territory node, open or not (what a grid's tally starts from).</summary>
    Task<IReadOnlyList<CaseSnapshot>> CasesOfNodeAsync(string code, CancellationToken cancellationToken);

    /// <summary>Every case routed to this node or below it, streamed (a full recount of indicators).</summary>
    IAsyncEnumerable<CaseSnapshot> CasesUnderAsync(string code, CancellationToken cancellationToken);

    /// <summary>Every case of a district assigned to one handler, streamed (per-handler indicators).</summary>
    IAsyncEnumerable<CaseSnapshot> CasesAssignedAsync(string district, string assignee, CancellationToken cancellationToken);

    /// <summary>
    /// The open cases under <paramref name="territory"/> (it or below) that were escalated and are handled at
    /// <paramref name="level"/> now, longest escalated first (by escalation time, then id), after the cursor.
    /// </summary>
    Task<IReadOnlyList<CaseSnapshot>> EscalatedAsync(
        string territory, Territory.TerritoryLevel level, (DateTimeOffset EscalatedAt, string Id)? after, int limit, CancellationToken cancellationToken);

    /// <summary>Cases newest first (by report time, then id).</summary>
    Task<IReadOnlyList<CaseSnapshot>> QueryAsync(CaseQuery query, CancellationToken cancellationToken);

    /// <summary>Records cases moved out of a grid; a departure already recorded is kept as it is.</summary>
    Task RecordDeparturesAsync(IReadOnlyCollection<CaseDeparture> departures, CancellationToken cancellationToken);

    /// <summary>The moves out of or into any node at or under <paramref name="code"/> (for a grid: its own).</summary>
    Task<IReadOnlyList<CaseDeparture>> DeparturesUnderAsync(string code, CancellationToken cancellationToken);
}

/// <summary>
/// A case moved out of grid <c>From</c> into grid <c>To</c> by a re-gridding: <c>Case</c> is the snapshot of its
/// <c>moved</c> event (table <c>gridgov_case_departures</c>).
/// </summary>
public sealed record CaseDeparture(string From, string To, CaseSnapshot Case);
