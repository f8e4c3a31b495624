using GridGov.Contracts.Territory;

namespace GridGov.Contracts.Cases;

/// <summary>
/// A case as it stands. Built by name (<c>new CaseSnapshot { Id = …, State = … }</c>) and changed with <c>with</c>.
/// It is stored (Orleans, by <c>Id</c>) and written as JSON (the case-event log, webhooks, the read model), so the ids,
/// the property names and their order stay as they are; the properties added later (<c>FiledAt</c> and after) are
/// optional, as rows written before them lack them.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-snapshot")]
public sealed record CaseSnapshot
{
    // The report, as received.
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required CaseState State { get; init; }
    [Id(2)] public required string Category { get; init; }
    [Id(3)] public required CaseSource Source { get; init; }
    [Id(4)] public required string Description { get; init; }
    [Id(5)] public required string GridCode { get; init; }
    [Id(6)] public double? Lat { get; init; }
    [Id(7)] public double? Lon { get; init; }
    [Id(8)] public string? Address { get; init; }
    [Id(9)] public string? ReporterName { get; init; }
    [Id(10)] public string? ReporterPhoneMasked { get; init; }
    [Id(11)] public required IReadOnlyList<string> MediaUrls { get; init; }
    [Id(12)] public CasePriority Priority { get; init; }
    [Id(13)] public Detection? Detection { get; init; }
    [Id(14)] public required string ReportedBy { get; init; }
    [Id(15)] public required DateTimeOffset ReportedAt { get; init; }

    // Handling: who has it, its clock, where it is handled.
    [Id(16)] public string? Assignee { get; init; }
    [Id(17)] public DateTimeOffset? DispatchedAt { get; init; }
    [Id(18)] public DateTimeOffset? Deadline { get; init; }
    [Id(19)] public bool Warned { get; init; }
    [Id(20)] public bool Overdue { get; init; }
    [Id(21)] public required TerritoryLevel HandledAt { get; init; }
    [Id(22)] public string? ProbableDuplicateOf { get; init; }
    [Id(23)] public string? MergedInto { get; init; }

    // The evaluation, extensions and rework.
    [Id(24)] public int? Satisfaction { get; init; }
    [Id(25)] public bool? ResolvedAsReported { get; init; }
    [Id(26)] public TimeSpan? ExtensionRequested { get; init; }
    [Id(27)] public int Extensions { get; init; }
    [Id(28)] public int Reworks { get; init; }
    [Id(29)] public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The version of the event that made this snapshot (1, 2, 3…).</summary>
    [Id(30)] public required long Version { get; init; }

    [Id(31)] public DateTimeOffset? FiledAt { get; init; }
    [Id(32)] public DateTimeOffset? AcceptedAt { get; init; }
    [Id(33)] public DateTimeOffset? RespondBy { get; init; }
    [Id(34)] public DateTimeOffset? EvaluatedAt { get; init; }

    /// <summary>When the event that made this snapshot happened (absent from snapshots written before it was kept).</summary>
    [Id(35)] public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The answers to the category's extra questions, by question code (one value, or several for a multi-value list).</summary>
    [Id(36)] public IReadOnlyDictionary<string, IReadOnlyList<string>>? Attributes { get; init; }

    /// <summary>
    /// The reporters of the duplicates merged into this case, who follow it to its end: its events carry them, so its
    /// closing and rating reach them too (docs/cases.md, "Merging duplicates").
    /// </summary>
    [Id(37)] public IReadOnlyList<CaseFollower>? Followers { get; init; }

    /// <summary>What each resolve and reject brought: photo URLs and a note, one entry per step, in order.</summary>
    [Id(38)] public IReadOnlyList<CaseEvidence>? Evidence { get; init; }

    /// <summary>The reporter's comment with the evaluation.</summary>
    [Id(39)] public string? EvaluationComment { get; init; }

    /// <summary>Why the pending extension (<see cref="ExtensionRequested"/>) is asked for.</summary>
    [Id(40)] public string? ExtensionReason { get; init; }

    /// <summary>Why the last extension asked for was denied (<c>deny-extension</c>); null when none was.</summary>
    [Id(41)] public string? ExtensionDeniedReason { get; init; }

    /// <summary>When the case was last escalated (to <see cref="HandledAt"/>); absent for a case never escalated.</summary>
    [Id(42)] public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>The police area co-assigned to the case (警网融合): on dispatch of a public-security case, or reported by the police.</summary>
    [Id(43)] public string? PoliceArea { get; init; }

    /// <summary>The community police officer of <see cref="PoliceArea"/> as the case shows them (name, masked phone).</summary>
    [Id(44)] public CasePoliceOfficer? PoliceOfficer { get; init; }
    /// <summary>The enterprise the case concerns (社区+企业), named on the report; null when none.</summary>
    [Id(45)] public string? EnterpriseId { get; init; }

    /// <summary>How many camera detections the case carries: 1 when a camera reported it, more as repeats attach; null otherwise.</summary>
    [Id(46)] public int? Detections { get; init; }

    /// <summary>When the latest detection attached to this case was seen (the camera's time).</summary>
    [Id(47)] public DateTimeOffset? LastDetectedAt { get; init; }

    /// <summary>True when the case was rejected with the reason <c>falsePositive</c> (a camera's false detection).</summary>
    [Id(48)] public bool? FalsePositive { get; init; }

    /// <summary>The patrol its reporter found the case on (人在网格走); absent for a case not reported on a patrol.</summary>
    [Id(49)] public string? PatrolId { get; init; }
}

/// <summary>The officer co-assigned to a case: the name and the masked phone only.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-police-officer")]
public sealed record CasePoliceOfficer([property: Id(0)] string Name, [property: Id(1)] string? PhoneMasked);

/// <summary>
/// The reporter of a duplicate merged into a case: the duplicate's id, the reporter's name and masked phone (a full
/// number is never kept), and the key subject that reported it (an app sees the events of the cases it follows).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-follower")]
public sealed record CaseFollower(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string? ReporterName,
    [property: Id(2)] string? ReporterPhoneMasked,
    [property: Id(3)] string ReportedBy,
    [property: Id(4)] DateTimeOffset At);

/// <summary>The evidence of one step (<c>resolved</c> or <c>rejected</c>): photo URLs and a note, by whom and when.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-evidence")]
public sealed record CaseEvidence(
    [property: Id(0)] long Version,
    [property: Id(1)] string Step,
    [property: Id(2)] IReadOnlyList<string> Photos,
    [property: Id(3)] string? Note,
    [property: Id(4)] string Actor,
    [property: Id(5)] DateTimeOffset At);
