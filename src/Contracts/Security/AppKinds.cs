using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;

namespace GridGov.Contracts.Security;

/// <summary>
/// Which kind of system an <see cref="Roles.App"/> key belongs to: it decides the one source of cases the key may
/// report (<see cref="HonestSources"/>). Set when the key is made; a key made before kinds existed is a residents' app.
/// </summary>
public static class AppKinds
{
    /// <summary>A residents' app (随手拍): reports <see cref="CaseSource.ResidentApp"/>. The kind of every older app key.</summary>
    public const string ResidentApp = "residentApp";

    /// <summary>The 12345 hotline's system: reports <see cref="CaseSource.Hotline12345"/>.</summary>
    public const string Hotline = "hotline12345";

    /// <summary>A camera system with AI detection (AI智算): reports <see cref="CaseSource.Camera"/> and posts detections.</summary>
    public const string Camera = "camera";

    /// <summary>The police system (警网融合): reports <see cref="CaseSource.Police"/>.</summary>
    public const string Police = "police";

    public static readonly IReadOnlyList<string> All = [ResidentApp, Hotline, Camera, Police];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);
}

/// <summary>
/// Honest sources: a caller reports only the sources its key may, so the indicators by source can be trusted. An app
/// reports its kind's one source; staff report what they find on patrol (<see cref="CaseSource.GridPatrol"/>) or what
/// a higher level handed down (<see cref="CaseSource.HigherLevel"/>); viewers report nothing. Checked by the API and
/// again by case reception, which every new case passes.
/// </summary>
public static class HonestSources
{
    // Shared answers: the check runs on every report, so it allocates nothing.
    private static readonly CaseSource[] Staff = [CaseSource.GridPatrol, CaseSource.HigherLevel];
    private static readonly CaseSource[] None = [];
    private static readonly CaseSource[] Resident = [CaseSource.ResidentApp];
    private static readonly CaseSource[] Hotline = [CaseSource.Hotline12345];
    private static readonly CaseSource[] Camera = [CaseSource.Camera];
    private static readonly CaseSource[] Police = [CaseSource.Police];

    public static IReadOnlyList<CaseSource> Allowed(CallerContext caller) => caller.Role switch
    {
        Roles.App => (caller.AppKind ?? AppKinds.ResidentApp) switch
        {
            AppKinds.ResidentApp => Resident,
            AppKinds.Hotline => Hotline,
            AppKinds.Camera => Camera,
            AppKinds.Police => Police,
            _ => None,
        },
        Roles.Viewer => None,
        _ => Staff,
    };

    /// <summary>Refuses (403 naming <c>source</c>) a source the caller's key may not report.</summary>
    public static void Check(CallerContext caller, CaseSource source)
    {
        var allowed = Allowed(caller);
        if (!allowed.Contains(source))
        {
            var kind = caller.Role == Roles.App ? $"an app key of kind {caller.AppKind ?? AppKinds.ResidentApp}" : $"a {caller.Role} key";
            throw new DomainException(
                DomainErrorKind.Forbidden,
                $"{kind} may not report cases of source {Name(source)}; it may report {(allowed.Count == 0 ? "none" : string.Join(", ", allowed.Select(Name)))}.",
                "source");
        }
    }

    /// <summary>The source as the API writes it (camelCase).</summary>
    public static string Name(CaseSource source)
    {
        var name = source.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
