using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace GridGov.Api.CommandCentre;

/// <summary>
/// The command-centre page: static files built into the API assembly (CommandCentre/Page), served at <c>/</c>.
/// Every asset lives under <c>/assets/{version}/</c>, where the version is a hash of all of them, so assets are cached
/// for a year and a new build is fetched at once; the page itself is revalidated on every load (its ETag is the version).
/// </summary>
public static class CommandCentrePage
{
    public const string AssetsPath = "/assets";

    /// <summary>The page's policy: its own scripts, styles and API only; no inline code, no other origin.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    private const string ResourcePrefix = "page/";
    private const string IndexFile = "index.html";
    private const string VersionPlaceholder = "{{version}}";

    private static readonly Lazy<PageFiles> Files = new(PageFiles.Load);

    /// <summary>The version of the assets this build serves.</summary>
    public static string Version => Files.Value.Version;

    /// <summary>Whether a path belongs to the page (it gets <see cref="ContentSecurityPolicy"/>).</summary>
    public static bool Serves(PathString path) => path == "/" || path.StartsWithSegments(AssetsPath);

    public static void MapCommandCentre(this WebApplication app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/", methods, ServeIndex).ExcludeFromDescription();
        app.MapMethods($"{AssetsPath}/{{version}}/{{**file}}", methods, ServeAsset).ExcludeFromDescription();
    }

    private static IResult ServeIndex(HttpContext http)
    {
        var files = Files.Value;
        var etag = new EntityTagHeaderValue($"\"{files.Version}\"");
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = etag.ToString();
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Compare(etag, useStrongComparison: false)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(files.Index, "text/html; charset=utf-8");
    }

    private static IResult ServeAsset(string version, string? file, HttpContext http)
    {
        var files = Files.Value;
        if (file is null || !files.Assets.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        // A page from an older build (say, during a rolling upgrade) gets today's file, but must not keep it.
        http.Response.Headers.CacheControl = version == files.Version ? "public, max-age=31536000, immutable" : "no-cache";
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private sealed record Asset(byte[] Content, string ContentType);

    private sealed record PageFiles(byte[] Index, IReadOnlyDictionary<string, Asset> Assets, string Version)
    {
        public static PageFiles Load()
        {
            var assembly = typeof(CommandCentrePage).Assembly;
            var types = new FileExtensionContentTypeProvider();
            var assets = new SortedDictionary<string, Asset>(StringComparer.Ordinal);
            byte[]? index = null;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
            {
                var file = name[ResourcePrefix.Length..].Replace('\\', '/');
                var content = Read(assembly, name);
                if (file == IndexFile)
                {
                    index = content;
                    continue;
                }

                var type = types.TryGetContentType(file, out var t) ? t : "application/octet-stream";
                assets[file] = new Asset(content, type.StartsWith("text/", StringComparison.Ordinal) ? type + "; charset=utf-8" : type);
            }

            if (index is null)
            {
                throw new InvalidOperationException($"The command-centre page ({ResourcePrefix}{IndexFile}) is not built into {assembly.GetName().Name}.");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(index);
            foreach (var (file, asset) in assets)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(file));
                hash.AppendData(asset.Content);
            }

            var version = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
            var page = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(index).Replace(VersionPlaceholder, version, StringComparison.Ordinal));
            return new PageFiles(page, assets, version);
        }

        private static byte[] Read(Assembly assembly, string name)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
