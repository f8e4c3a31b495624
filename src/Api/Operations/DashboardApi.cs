using GridGov.Api.Security;
using GridGov.Contracts.Security;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Dashboard;

namespace GridGov.Api.Operations;

/// <summary>
/// The Orleans Dashboard at <c>/dashboard</c>, for operators only: the key comes as <c>X-Api-Key</c> like on every API
/// call, or, for a browser, from a cookie that <c>POST /dashboard/session</c> sets after checking the key.
/// </summary>
public static class DashboardSession
{
    public const string Path = "/dashboard";
    public const string Cookie = "gg_dashboard_key";

    /// <summary>A browser session lasts a working shift; the key itself is checked again on every request.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public static void MapDashboard(this WebApplication app)
    {
        // Every asset and data endpoint of the dashboard sits in this group, so the policy covers them all.
        app.MapOrleansDashboard(Path).RequireAuthorization(Policies.Dashboard).ExcludeFromDescription();
        app.MapGet($"{Path}/login", SignInPage).AllowAnonymous().ExcludeFromDescription();
        app.MapPost($"{Path}/session", StartAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost($"{Path}/logout", End).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>A form that posts the key; no script, so the dashboard's content security policy holds.</summary>
    private static ContentHttpResult SignInPage() => TypedResults.Text(
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>GridGov · Orleans Dashboard</title></head>
        <body style="font-family: sans-serif; margin: 3em">
        <h1>Orleans Dashboard</h1>
        <form method="post" action="session">
        <label>Operator API key <input type="password" name="key" autocomplete="off" required size="64"></label>
        <button type="submit">Open</button>
        </form>
        </body></html>
        """,
        "text/html; charset=utf-8");

    /// <summary>Checks the key (form field <c>key</c>, or the <c>X-Api-Key</c> header) and keeps it in the dashboard's cookie.</summary>
    private static async Task<Results<StatusCodeHttpResult, ValidationProblem, ProblemHttpResult>> StartAsync(
        HttpContext http, ApiKeyCache keys, AuthSettings auth)
    {
        string? key = http.Request.Headers[ApiKeyAuthenticationHandler.Header];
        if (string.IsNullOrWhiteSpace(key) && http.Request.HasFormContentType)
        {
            key = (await http.Request.ReadFormAsync(http.RequestAborted))["key"];
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["key"] = ["An operator API key is required (form field key or the X-Api-Key header)."] });
        }

        var caller = await ApiKeyAuthenticationHandler.CheckAsync(key, keys, auth);
        if (caller is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: "The API key is unknown, revoked or expired.");
        }

        if (caller.Role != Roles.Operator)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", detail: "The dashboard is for operators' keys only.");
        }

        // HttpOnly: no script reads it; Secure: never sent in clear (browsers treat localhost as secure);
        // SameSite=Strict and the dashboard's path: no other site or GridGov page makes the browser send it.
        http.Response.Cookies.Append(Cookie, key.Trim(), CookieOptions(http, Lifetime));
        http.Response.Headers.Location = $"{http.Request.PathBase}{Path}/";
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static StatusCodeHttpResult End(HttpContext http)
    {
        http.Response.Cookies.Delete(Cookie, CookieOptions(http, null));
        http.Response.Headers.Location = $"{http.Request.PathBase}{Path}/login";
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static CookieOptions CookieOptions(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = $"{http.Request.PathBase}{Path}",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
