using System.Reflection;
using System.Xml.Linq;
using NetArchTest.Rules;

namespace GridGov.Tests.Architecture;

/// <summary>
/// The arrows of docs/architecture.md, held two ways: the project references each project may have, and the
/// namespaces each assembly's types may depend on. A new arrow fails here before it spreads.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Every project under src/ and the only GridGov projects it may reference.</summary>
    private static readonly Dictionary<string, string[]> AllowedReferences = new()
    {
        ["GridGov.Contracts"] = [],
        ["GridGov.Grains"] = ["GridGov.Contracts"],
        ["GridGov.Hosting"] = ["GridGov.Grains"],
        ["GridGov.Silo"] = ["GridGov.Hosting"],
        ["GridGov.Api"] = ["GridGov.Hosting"],
    };

    private static readonly Assembly Contracts = typeof(GridGov.Contracts.Common.DomainException).Assembly;
    private static readonly Assembly Grains = Assembly.Load("GridGov.Grains");
    private static readonly Assembly Hosting = typeof(GridGov.Hosting.GridGovHosting).Assembly;
    private static readonly Assembly Api = typeof(Program).Assembly;

    [Fact]
    public void Projects_reference_only_the_layers_below_them()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var found = Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), References);

        Assert.Equal(AllowedReferences.Keys.Order(), found.Keys.Order());
        foreach (var (project, references) in found)
        {
            Assert.True(
                references.SequenceEqual(AllowedReferences[project]),
                $"{project} references [{string.Join(", ", references)}]; the layers allow [{string.Join(", ", AllowedReferences[project])}].");
        }
    }

    /// <summary>The rules below can fail: Hosting does use grain types.</summary>
    [Fact]
    public void A_dependency_rule_sees_a_real_arrow() =>
        Assert.False(Types.InAssembly(Hosting).ShouldNot().HaveDependencyOnAny("GridGov.Grains").GetResult().IsSuccessful);

    [Fact]
    public void Contracts_depend_on_no_other_layer() =>
        AssertNoDependency(Contracts, "GridGov.Grains", "GridGov.Hosting", "GridGov.Silo", "GridGov.Api");

    [Fact]
    public void Grains_depend_on_contracts_only() =>
        AssertNoDependency(Grains, "GridGov.Hosting", "GridGov.Silo", "GridGov.Api");

    [Fact]
    public void Hosting_never_depends_on_the_api() =>
        AssertNoDependency(Hosting, "GridGov.Silo", "GridGov.Api");

    /// <summary>The API sees grains only through their interfaces in Contracts, never a grain class or its state.</summary>
    [Fact]
    public void Api_never_names_a_grain_type() =>
        AssertNoDependency(Api, "GridGov.Grains", "GridGov.Silo");

    /// <summary>A grain's interface is its whole surface: the class is internal and sealed.</summary>
    [Fact]
    public void Grain_classes_are_internal_and_sealed()
    {
        Assert.True(Types.InAssembly(Grains).That().Inherit(typeof(Grain)).GetTypes().Count() > 10, "The rule sees the grain classes.");
        var result = Types.InAssembly(Grains).That().Inherit(typeof(Grain)).Should().NotBePublic().And().BeSealed().GetResult();
        Assert.True(result.IsSuccessful, $"Public or unsealed grain classes: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    private static void AssertNoDependency(Assembly assembly, params string[] namespaces)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(namespaces).GetResult();
        Assert.True(
            result.IsSuccessful,
            $"{assembly.GetName().Name} may not depend on {string.Join(", ", namespaces)}; these types do: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    private static string[] References(string csproj) =>
        XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order()
            .ToArray();

    private static string RepositoryRoot()
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
}
