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
        string key;
        if (Request.Headers.TryGetValue(Header, out var values))
        {
            key = values.ToString();
        }
        else if (Request.Path.StartsWithSegments(Operations.DashboardSession.Path) && Request.Cookies.TryGetValue(Operations.DashboardSession.Cookie, out var cookie))
        {
            // A browser on the dashboard cannot send a header with every asset and poll; the cookie is read there only.
            key = cookie;
        }
        else if (await Open311KeyAsync(Request) is { } open311Key)
        {
            key = open311Key;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        var caller = await CheckAsync(key, keys, auth);
        if (caller is null)
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, caller.Subject), new Claim(RoleClaim, caller.Role), new Claim(ScopeClaim, caller.Scope),
                .. caller.StaffId is null ? Array.Empty<Claim>() : [new Claim(StaffClaim, caller.StaffId)],
            ],
            SchemeName,
            ClaimTypes.NameIdentifier,
            RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

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
        if (auth.BootstrapApiKey is { } bootstrap && FixedTimeEquals(key, bootstrap))
        {
            return new CallerContext(BootstrapSubject, Roles.Operator, Scopes.All);
        }

        return ApiKeyFormat.TryParse(key, out var id, out var secret) ? await keys.AuthenticateAsync(id, ApiKeyFormat.Hash(secret)) : null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
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
        // The secret is base64url, which may itself contain '_': split by position, not by separator.
        if (key.Length != 3 + 16 + 1 + 43 || !key.StartsWith("gg_", StringComparison.Ordinal) || key[19] != '_'
            || key.AsSpan(3, 16).ContainsAnyExcept("0123456789abcdef"))
        {
            return false;
        }

        (id, secret) = (key[3..19], key[20..]);
        return true;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
