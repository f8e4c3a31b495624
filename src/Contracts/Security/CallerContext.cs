using System.Security.Cryptography;
using System.Text;

namespace GridGov.Contracts.Security;

/// <summary>
/// Who is calling, as it travels with every grain call in Orleans' <see cref="RequestContext"/>: the API key (or
/// token subject), its role and its scope, signed with the cluster's secret so that a grain can tell a context the
/// API issued from a forged one.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.caller")]
public sealed record CallerContext(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Role,
    [property: Id(2)] string Scope,
    [property: Id(3)] string? StaffId = null,
    [property: Id(4)] string? AppKind = null)
{
    /// <summary>Who is named in histories and the audit log: the staff member behind the key, else the key itself.</summary>
    public string Actor => StaffId ?? Subject;

    /// <summary>The district this caller's lists and searches are limited to: its own, or null (every one) for operators.</summary>
    public string? DistrictFilter => Scope == Scopes.All ? null : Scope;

    private const string SubjectKey = "gg.sub";
    private const string RoleKey = "gg.role";
    private const string ScopeKey = "gg.scope";
    private const string StaffKey = "gg.staff";
    private const string AppKindKey = "gg.app";
    private const string SignatureKey = "gg.sig";

    /// <summary>Puts this caller, signed, into the current <see cref="RequestContext"/> (flows with the async call chain).</summary>
    public void Enter(CallerSigner signer)
    {
        // Every API request enters its caller into an empty context: the signer's prepared entries go in at once (one
        // copy), where setting them one by one would copy the context once per key.
        if (!RequestContext.Entries.Any())
        {
            RequestContextExtensions.Import(signer.Entries(this));
            return;
        }

        // A context that already holds entries keeps them; a staff id of an earlier caller must not stay behind.
        if (StaffId is null)
        {
            RequestContext.Remove(StaffKey);
        }

        if (AppKind is null)
        {
            RequestContext.Remove(AppKindKey);
        }

        foreach (var (key, value) in signer.Entries(this))
        {
            RequestContext.Set(key, value);
        }
    }

    /// <summary>The context entries that carry this caller and its signature.</summary>
    internal Dictionary<string, object> ToEntries(string signature)
    {
        var entries = new Dictionary<string, object>(6, StringComparer.Ordinal)
        {
            [SubjectKey] = Subject,
            [RoleKey] = Role,
            [ScopeKey] = Scope,
            [SignatureKey] = signature,
        };
        if (StaffId is not null)
        {
            entries[StaffKey] = StaffId;
        }

        if (AppKind is not null)
        {
            entries[AppKindKey] = AppKind;
        }

        return entries;
    }

    /// <summary>The caller in the current <see cref="RequestContext"/>, if any, with the signature it carries.</summary>
    public static (CallerContext Caller, string Signature)? Current()
    {
        if (RequestContext.Get(SubjectKey) is string subject && RequestContext.Get(RoleKey) is string role
            && RequestContext.Get(ScopeKey) is string scope)
        {
            return (new CallerContext(subject, role, scope, RequestContext.Get(StaffKey) as string, RequestContext.Get(AppKindKey) as string), RequestContext.Get(SignatureKey) as string ?? "");
        }

        return null;
    }

    /// <summary>The verified caller of the current call, or null when there is none or its signature is wrong.</summary>
    public static CallerContext? Verified(CallerSigner signer) =>
        Current() is var (caller, signature) && signer.Verify(caller, signature) ? caller : null;

    public static void Clear()
    {
        RequestContext.Remove(SubjectKey);
        RequestContext.Remove(RoleKey);
        RequestContext.Remove(ScopeKey);
        RequestContext.Remove(StaffKey);
        RequestContext.Remove(AppKindKey);
        RequestContext.Remove(SignatureKey);
    }
}

/// <summary>
/// HMAC-SHA256 over a caller context with the cluster secret every GridGov process shares. Every grain call to a
/// district's grain is verified, and the callers of a process are few (its API keys), so each caller's signature is
/// computed once and remembered (at most <see cref="Remembered"/> callers, then the memory starts again).
/// </summary>
public sealed class CallerSigner(byte[] secret)
{
    private const int Remembered = 10_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<CallerContext, Signed> _signed = new();

    public string Sign(CallerContext caller) => SignedAs(caller).Signature;

    /// <summary>The request-context entries that carry the caller, signed; shared, so never to be changed.</summary>
    internal Dictionary<string, object> Entries(CallerContext caller) => SignedAs(caller).Entries;

    public bool Verify(CallerContext caller, string signature) =>
        CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(signature.AsSpan()),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(Sign(caller).AsSpan()));

    private Signed SignedAs(CallerContext caller)
    {
        if (_signed.TryGetValue(caller, out var known))
        {
            return known;
        }

        if (_signed.Count >= Remembered)
        {
            _signed.Clear();
        }

        // The app's kind is signed too (it decides the sources the caller may report); a caller without one is signed
        // exactly as before it existed.
        var text = $"{caller.Subject}\n{caller.Role}\n{caller.Scope}\n{caller.StaffId}" + (caller.AppKind is { } kind ? $"\n{kind}" : "");
        var signature = Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(text)));
        var signed = new Signed(signature, caller.ToEntries(signature));
        _signed[caller] = signed;
        return signed;
    }

    private sealed record Signed(string Signature, Dictionary<string, object> Entries);
}

/// <summary>
/// Marks a grain interface whose key begins with its district code: an incoming call filter refuses a call to it from
/// a caller whose scope does not cover that district.
/// </summary>
public interface ITenantGrain
{
}
