using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Decisions;

/// <summary>A village, keyed by its community-level territory code: its committee, cadres and list of decisions.</summary>
[Alias("gridgov.village-grain")]
public interface IVillageGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or replaces the village; the territory node must exist at community level.</summary>
    [Alias("put")]
    Task<VillageSnapshot> PutAsync(VillageUpsert village, long? expectedVersion);

    [ReadOnly, Alias("get")]
    Task<VillageSnapshot?> GetAsync();

    /// <summary>True when a cadre sent down to the village, whose term runs on that day, has this staff id.</summary>
    [ReadOnly, Alias("is-serving-cadre")]
    Task<bool> IsServingCadreAsync(string staffId, DateOnly day);

    /// <summary>Opens a decision of this village and lists it; answers the new decision.</summary>
    [Alias("open-decision")]
    Task<DecisionSnapshot> OpenDecisionAsync(NewDecision decision);

    /// <summary>Lists the decision on the public board (from its first disclosure on); idempotent.</summary>
    [Alias("note-disclosed")]
    Task NoteDisclosedAsync(string decisionId);

    /// <summary>A page of the village's decision ids, newest first: all of them, or only the disclosed ones.</summary>
    [ReadOnly, Alias("list")]
    Task<DecisionIdPage?> ListAsync(int cursor, int limit, bool disclosedOnly);
}

/// <summary>A village decision (四议两公开), keyed <c>{district}-D{yyyyMMdd}{unique}</c>.</summary>
[Alias("gridgov.decision-grain")]
public interface IDecisionGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Called by the village that lists it; a second call answers the decision as it is.</summary>
    [Alias("create")]
    Task<DecisionSnapshot> CreateAsync(string village, NewDecision decision);

    [ReadOnly, Alias("get")]
    Task<DecisionSnapshot?> GetAsync();

    [ReadOnly, Alias("history")]
    Task<DecisionHistory?> GetHistoryAsync();

    [ReadOnly, Alias("public")]
    Task<PublicDecision?> GetPublicAsync();

    [Alias("record-step")]
    Task<DecisionSnapshot> RecordStepAsync(StepInput step, long? expectedVersion);

    /// <summary>A resident's objection during a running disclosure.</summary>
    [Alias("object")]
    Task<DecisionSnapshot> FileObjectionAsync(string text, string? name, string actor);

    [Alias("answer")]
    Task<DecisionSnapshot> AnswerObjectionAsync(int number, string answer, string actor, long? expectedVersion);

    /// <summary>Completes the decision once the result disclosure has ended and every objection is answered.</summary>
    [Alias("complete")]
    Task<DecisionSnapshot> CompleteAsync(string actor, long? expectedVersion);
}

/// <summary>
/// The lists of a village's decisions with each decision read, for the public board and for staff: one call for the
/// API, which gathers a bounded page from the decisions' grains. Not a tenant grain: the board is public, and the
/// village's grain checks the caller (when there is one) on the way.
/// </summary>
[Alias("gridgov.decision-board-grain")]
public interface IDecisionBoardGrain : IGrainWithIntegerKey
{
    [ReadOnly, Alias("board")]
    Task<BoardPage?> BoardAsync(string village, int cursor, int limit);

    [ReadOnly, Alias("list")]
    Task<DecisionPage?> ListAsync(string village, int cursor, int limit);
}

public static class DecisionIds
{
    /// <summary>A new decision id of <paramref name="district"/>: <c>{district}-D{yyyyMMdd}{10 base-32 characters}</c>.</summary>
    public static string New(string district, DateTimeOffset now)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        Span<char> unique = stackalloc char[10];
        for (var i = 0; i < unique.Length; i++)
        {
            unique[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return $"{district}-D{now.UtcDateTime:yyyyMMdd}{unique}";
    }

    public static bool IsValid(string? id) =>
        id is { Length: 6 + 2 + 8 + 10 } && id[..6].All(char.IsAsciiDigit) && id[6..8] == "-D"
        && id[8..16].All(char.IsAsciiDigit) && id[16..].All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));
}
