using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using GridGov.Contracts.Security;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GridGov.Api.Security;

/// <summary>
/// Authenticates <c>X-Api-Key</c>. A key reads <c>gg_{id}_{secret}</c>: the id names the key's grain, which compares
/// the secret's hash, so checking a key needs no index; <see cref="ApiKeyCache"/> remembers the answer for a few
/// seconds and is told of a revocation before it is answered.
/// The bootstrap operator key from configuration is checked in-process.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache keys,
    AuthSettings auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string BootstrapSubject = "bootstrap";

    public const string RoleClaim = "gridgov:role";
    public const string ScopeClaim = "gridgov:scope";
    public const string StaffClaim = "gridgov:staff";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (await ReadKeyAsync(Context) is not { } key)
        {
            return AuthenticateResult.NoResult();
        }

        return await CheckAsync(key, keys, auth) is { } caller
            ? AuthenticateResult.Success(new AuthenticationTicket(Principal(caller), SchemeName))
            : AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
    }

    /// <summary>
    /// Authenticates every request before authorization, in place of ASP.NET Core's authentication middleware: the
    /// same key check as <see cref="HandleAuthenticateAsync"/>, without a handler made per request, its events and its
    /// ticket (docs/benchmarks.md, "Read paths"). The scheme stays registered: authorization challenges and forbids
    /// through it, and anything that asks it to authenticate gets the same answer.
    /// </summary>
    public static async Task AuthenticateAsync(HttpContext http, RequestDelegate next, ApiKeyCache keys, AuthSettings auth)
    {
        if (await ReadKeyAsync(http) is { } key && await CheckAsync(key, keys, auth) is { } caller)
        {
            http.User = Principal(caller);
        }

        await next(http);
    }

    private static async ValueTask<string?> ReadKeyAsync(HttpContext http)
    {
        if (http.Request.Headers.TryGetValue(Header, out var values))
        {
            return values.ToString();
        }

        // A browser on the dashboard cannot send a header with every asset and poll; the cookie is read there only.
        if (http.Request.Path.StartsWithSegments(Operations.DashboardSession.Path) && http.Request.Cookies.TryGetValue(Operations.DashboardSession.Cookie, out var cookie))
        {
            return cookie;
        }

        return await Open311KeyAsync(http.Request);
    }

    private static ClaimsPrincipal Principal(CallerContext caller) => new(new CallerIdentity(caller, SchemeName));

    /// <summary>
    /// Open311 clients send their key as the <c>api_key</c> field of a POST's form or of the query string, as the
    /// specification has them; it is checked exactly as the header is.
    /// </summary>
    public static async Task<string?> Open311KeyAsync(HttpRequest request)
    {
        if (!request.Path.StartsWithSegments(Open311.Open311ProblemWriter.Prefix))
        {
            return null;
        }

        if (request.Query.TryGetValue(Open311KeyField, out var query))
        {
            return query.ToString();
        }

        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return form.TryGetValue(Open311KeyField, out var field) ? field.ToString() : null;
        }

        return null;
    }

    public const string Open311KeyField = "api_key";

    /// <summary>The caller a key stands for, or null when the key is unknown, revoked or expired.</summary>
    public static async Task<CallerContext?> CheckAsync(string key, ApiKeyCache keys, AuthSettings auth)
    {
        key = key.Trim();
        // Compared only at the bootstrap key's own length: keys of every other length are not it, and no request pays
        // for hashing two strings to find that out. The comparison itself takes the same time whatever differs.
        if (auth.BootstrapApiKey is { } bootstrap && key.Length == bootstrap.Length && ApiKeyFormat.SameKey(key, bootstrap))
        {
            return new CallerContext(BootstrapSubject, Roles.Operator, Scopes.All);
        }

        return ApiKeyFormat.IsWellFormed(key) ? await keys.AuthenticateAsync(key) : null;
    }

}

/// <summary>
/// The identity of an authenticated key: its claims (for ASP.NET Core's policies), and the caller they were made from,
/// so every look at the request's caller (rate limit, tenancy, each grain call) is a field read, not a claims search.
/// </summary>
internal sealed class CallerIdentity(CallerContext caller, string scheme)
    : ClaimsIdentity(scheme, ClaimTypes.NameIdentifier, ApiKeyAuthenticationHandler.RoleClaim)
{
    private List<Claim>? _claims;

    public CallerContext Caller { get; } = caller;

    /// <summary>
    /// Made when first asked for: GridGov's own checks (policies, tenancy, rate limits) read <see cref="Caller"/>, so on
    /// most requests nothing asks and no claim is made. <see cref="ClaimsIdentity"/>'s lookups (FindFirst, HasClaim,
    /// Name) go through this property.
    /// </summary>
    public override IEnumerable<Claim> Claims => _claims ??=
    [
        new Claim(ClaimTypes.NameIdentifier, Caller.Subject, null, null, null, this),
        new Claim(ApiKeyAuthenticationHandler.RoleClaim, Caller.Role, null, null, null, this),
        new Claim(ApiKeyAuthenticationHandler.ScopeClaim, Caller.Scope, null, null, null, this),
        .. Caller.StaffId is null ? Array.Empty<Claim>() : [new Claim(ApiKeyAuthenticationHandler.StaffClaim, Caller.StaffId, null, null, null, this)],
    ];
}

/// <summary>API keys as handed out: <c>gg_{16 hex id}_{43 base64url secret}</c>.</summary>
public static class ApiKeyFormat
{
    public static (string Id, string Key) New()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return (id, $"gg_{id}_{AuthSettings.Base64Url(RandomNumberGenerator.GetBytes(32))}");
    }

    public static bool TryParse(string key, out string id, out string secret)
    {
        (id, secret) = ("", "");
        if (!IsWellFormed(key))
        {
            return false;
        }

        (id, secret) = (IdOf(key).ToString(), SecretOf(key));
        return true;
    }

    public static bool IsWellFormed(string key) =>
        // The secret is base64url, which may itself contain '_': the parts are found by position, not by separator.
        key.Length == 3 + 16 + 1 + 43 && key.StartsWith("gg_", StringComparison.Ordinal) && key[19] == '_'
        && !key.AsSpan(3, 16).ContainsAnyExcept("0123456789abcdef");

    /// <summary>The id part of a well-formed key, without copying it.</summary>
    public static ReadOnlySpan<char> IdOf(string key) => key.AsSpan(3, 16);

    public static string SecretOf(string key) => key[20..];

    /// <summary>Whether two keys are the same, in a time that does not depend on where they differ.</summary>
    public static bool SameKey(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()), System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
