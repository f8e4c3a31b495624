using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace GridGov.Tests.Deploy;

/// <summary>
/// The repository's deployment files, read the way their tools read them: every manifest in k8s/ as typed
/// Kubernetes objects (strict: a field Kubernetes does not know fails the load), the Dockerfile's stages and ports,
/// and the entrypoint's roles.
/// </summary>
public sealed partial class Manifests
{
    /// <summary>Not Kubernetes objects: kustomize's own file.</summary>
    private const string Kustomization = "kustomization.yaml";

    private static readonly Lazy<Manifests> Loaded = new(Load);

    private Manifests(string root, IReadOnlyDictionary<string, IReadOnlyList<object>> files)
    {
        Root = root;
        Files = files;
    }

    public static Manifests Repository => Loaded.Value;

    public string Root { get; }

    /// <summary>Every file of k8s/ but the kustomization, with the objects it holds.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<object>> Files { get; }

    public IEnumerable<object> All => Files.Values.SelectMany(o => o);

    public IEnumerable<T> OfType<T>() => All.OfType<T>();

    public T Named<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        OfType<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new InvalidOperationException($"No {typeof(T).Name} named {name} in k8s/.");

    /// <summary>Every pod template with its owner's kind and name (Deployments and the Job).</summary>
    public IEnumerable<(string Owner, V1PodTemplateSpec Template)> PodTemplates =>
        OfType<V1Deployment>().Select(d => ($"Deployment {d.Metadata.Name}", d.Spec.Template))
            .Concat(OfType<V1Job>().Select(j => ($"Job {j.Metadata.Name}", j.Spec.Template)));

    public string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>The Dockerfile's stages in order: (image, stage name).</summary>
    public IReadOnlyList<(string Image, string Stage)> DockerStages =>
        FromLine().Matches(Read("Dockerfile")).Select(m => (m.Groups["image"].Value, m.Groups["stage"].Value)).ToList();

    /// <summary>The ports the Dockerfile's final stage EXPOSEs.</summary>
    public IReadOnlySet<int> DockerExposedPorts =>
        ExposeLine().Matches(Read("Dockerfile"))
            .SelectMany(m => m.Groups["ports"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet();

    public string DockerUser => UserLine().Match(Read("Dockerfile")).Groups["user"].Value;

    /// <summary>The first arguments deploy/entrypoint.sh accepts (its case patterns).</summary>
    public IReadOnlySet<string> EntrypointRoles =>
        CasePattern().Matches(Read("deploy/entrypoint.sh")).Select(m => m.Groups["role"].Value).ToHashSet();

    private static Manifests Load()
    {
        var root = RepositoryRoot();
        var folder = Path.Combine(root, "k8s");
        var files = new Dictionary<string, IReadOnlyList<object>>();
        foreach (var path in Directory.GetFiles(folder, "*.yaml").Order())
        {
            var name = Path.GetFileName(path);
            if (name == Kustomization)
            {
                continue;
            }

            try
            {
                files[name] = KubernetesYaml.LoadAllFromString(File.ReadAllText(path), strict: true);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"k8s/{name} does not load as Kubernetes objects: {e.Message}", e);
            }
        }

        return new Manifests(root, files);
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No orleans.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^FROM\s+(?<image>\S+)\s+AS\s+(?<stage>\S+)\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^EXPOSE\s+(?<ports>[0-9 ]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ExposeLine();

    [GeneratedRegex(@"^USER\s+(?<user>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex UserLine();

    [GeneratedRegex(@"^\s+(?<role>[a-z]+)\)", RegexOptions.Multiline)]
    private static partial Regex CasePattern();
}
