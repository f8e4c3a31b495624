using System.Runtime.InteropServices;
using System.Text.Json;

namespace GridGov.Tests.Cluster;

/// <summary>Where the silo's build output is: GridGov.Silo.dll with its runtimeconfig.json and deps.json.</summary>
public sealed record SiloBinary(string Dll, string RuntimeConfig, string DepsFile)
{
    private const string AssemblyName = "GridGov.Silo";

    private static readonly Lazy<SiloBinary> Found = new(Find);

    public static SiloBinary Locate() => Found.Value;

    public static string Describe()
    {
        try
        {
            var binary = Locate();
            return $"{DotnetHost()} exec {binary.Dll}";
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The <c>dotnet</c> host that runs this test process's runtime, so the silo runs on the same installation;
    /// <c>dotnet</c> from PATH as the last resort.
    /// </summary>
    public static string DotnetHost()
    {
        var executable = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";

        if (Environment.ProcessPath is { } current && Path.GetFileName(current).Equals(executable, StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var root = Directory.GetParent(runtimeDirectory)?.Parent?.Parent?.FullName;
        if (root is not null && File.Exists(Path.Combine(root, executable)))
        {
            return Path.Combine(root, executable);
        }

        foreach (var variable in new[] { "DOTNET_HOST_PATH", "DOTNET_ROOT" })
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var candidate = Directory.Exists(value) ? Path.Combine(value, executable) : value;
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return executable;
    }

    /// <summary>
    /// A complete, runnable copy of the silo's build output. Next to the test assembly first (building the tests copies
    /// the referenced executable's dll, runtimeconfig and deps files there), but only if every assembly its deps file
    /// names is there too; else the silo project's own bin folder for the same configuration and framework.
    /// </summary>
    /// <remarks>
    /// The copy next to the tests is normally NOT runnable: the tests reference the API, a web project, so the build
    /// resolves ASP.NET Core assemblies against the Microsoft.AspNetCore.App framework and leaves out their package
    /// copies (e.g. Microsoft.AspNetCore.Connections.Abstractions, which Orleans.Runtime loads), while
    /// GridGov.Silo.runtimeconfig.json only names Microsoft.NETCore.App.
    /// </remarks>
    private static SiloBinary Find()
    {
        var testOutput = AppContext.BaseDirectory;
        var candidates = new List<string> { testOutput };

        // …/tests/GridGov.Tests/bin/<Configuration>/<tfm>/ → …/src/Silo/bin/<Configuration>/<tfm>/
        var tfmDirectory = new DirectoryInfo(testOutput.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var configurationDirectory = tfmDirectory.Parent;
        var projectDirectory = configurationDirectory?.Parent?.Parent;
        var repoRoot = projectDirectory?.Parent?.Parent;
        if (repoRoot is not null && configurationDirectory is not null)
        {
            candidates.Add(Path.Combine(repoRoot.FullName, "src", "Silo", "bin", configurationDirectory.Name, tfmDirectory.Name));
        }

        var rejected = new List<string>();
        foreach (var directory in candidates)
        {
            var binary = new SiloBinary(
                Path.Combine(directory, AssemblyName + ".dll"),
                Path.Combine(directory, AssemblyName + ".runtimeconfig.json"),
                Path.Combine(directory, AssemblyName + ".deps.json"));
            var missing = new[] { binary.Dll, binary.RuntimeConfig, binary.DepsFile }.Where(f => !File.Exists(f)).Select(Path.GetFileName).ToList();
            if (missing.Count == 0)
            {
                missing.AddRange(MissingRuntimeAssemblies(directory, binary.DepsFile));
            }

            if (missing.Count == 0)
            {
                return binary;
            }

            rejected.Add($"{directory} (missing {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")})");
        }

        throw new InvalidOperationException(
            $"No runnable {AssemblyName} build output was found: {string.Join("; ", rejected)}. Build the tests (dotnet build tests/GridGov.Tests) first.");
    }

    /// <summary>The runtime assemblies the deps file lists for its target that the folder lacks.</summary>
    private static IEnumerable<string> MissingRuntimeAssemblies(string directory, string depsFile)
    {
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        var target = deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
        var missing = new List<string>();
        foreach (var library in deps.RootElement.GetProperty("targets").GetProperty(target).EnumerateObject())
        {
            if (!library.Value.TryGetProperty("runtime", out var runtime))
            {
                continue;
            }

            foreach (var asset in runtime.EnumerateObject())
            {
                var file = Path.GetFileName(asset.Name);
                if (!File.Exists(Path.Combine(directory, file)))
                {
                    missing.Add(file);
                }
            }
        }

        return missing;
    }
}
