using GridGov.Contracts.Cases;
using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Open311;

/// <summary>
/// A district's Open311 settings: whether reading its requests needs a key, the language of <c>status_notes</c>
/// (<c>zh</c> or <c>en</c>), the offset its times are written in, and the contact discovery names.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.open311-settings")]
public sealed record Open311Settings(
    [property: Id(0)] bool RequireKeyForReads,
    [property: Id(1)] string Language,
    [property: Id(2)] int UtcOffsetMinutes,
    [property: Id(3)] string? Contact)
{
    /// <summary>Public reads, Chinese notes, China Standard Time.</summary>
    public static readonly Open311Settings Default = new(false, "zh", 480, null);

    public static readonly IReadOnlyList<string> Languages = ["zh", "en"];
}

/// <summary>A district's Open311 settings (key: the district code).</summary>
[Alias("gridgov.open311-settings-grain")]
public interface IOpen311SettingsGrain : IGrainWithStringKey, ITenantGrain
{
    [ReadOnly, Alias("get")]
    Task<Open311Settings> GetAsync();

    [Alias("put")]
    Task<Open311Settings> PutAsync(Open311Settings settings);
}

/// <summary>An Open311 read of requests: the ids (overriding every other filter) or the other filters, and a page.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.open311-query")]
public sealed record Open311Query(
    [property: Id(0)] IReadOnlyList<string> Ids,
    [property: Id(1)] IReadOnlyList<string> Categories,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset To,
    [property: Id(4)] bool? Open,
    [property: Id(5)] int Offset,
    [property: Id(6)] int Limit);

/// <summary>
/// What an Open311 call answers: the district it resolved to, its settings and category catalogue (service names,
/// departments, questions), and the cases it read or created, with the history of a single one when asked.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.open311-answer")]
public sealed record Open311Answer(
    [property: Id(0)] string District,
    [property: Id(1)] Open311Settings Settings,
    [property: Id(2)] IReadOnlyList<Category> Categories,
    [property: Id(3)] IReadOnlyList<CaseSnapshot> Cases,
    [property: Id(4)] IReadOnlyList<CaseEvent>? History = null);

/// <summary>
/// Open311 GeoReport v2 over GridGov's cases: resolves <c>jurisdiction_id</c> (optional while the server holds one
/// district, else required; a key's district when it has one), applies the district's read setting to the signed
/// caller the call carries (none for a public read), and makes the one read or report each Open311 call is. A
/// stateless worker (key 0), so no activation sits on every request.
/// </summary>
[Alias("gridgov.open311")]
public interface IOpen311Grain : IGrainWithIntegerKey
{
    /// <summary>The district's catalogue as services (a read: the district's setting applies).</summary>
    [Alias("services")]
    Task<Open311Answer> ServicesAsync(string? jurisdiction);

    /// <summary>Requests from the case read model, newest first.</summary>
    [Alias("requests")]
    Task<Open311Answer> RequestsAsync(string? jurisdiction, Open311Query query);

    /// <summary>One request, with its history; not found when the case is not the district's or does not exist.</summary>
    [Alias("request")]
    Task<Open311Answer> RequestAsync(string? jurisdiction, string id);

    /// <summary>
    /// Creates the case of an Open311 POST (the caller is an app key of the district): <c>service_code</c> and the
    /// attributes are checked against the category, then intake routes it by its point, or to the district's triage.
    /// </summary>
    [Alias("submit")]
    Task<Open311Answer> SubmitAsync(string? jurisdiction, NewCase report);
}
