using System.Reflection;
using System.Text.RegularExpressions;
using GridGov.Tests.Deploy;
using Orleans;

namespace GridGov.Tests.Upgrade;

/// <summary>
/// Rolling upgrades: silos of two versions share stored state and stream events, so every persisted type keeps a
/// stable alias and numbered fields.
/// </summary>
public sealed class UpgradeTests
{
    [Fact]
    public void Persisted_state_and_event_types_are_found()
    {
        Assert.Contains(PersistedTypes.States, t => t.Name == "CaseGrainState");
        Assert.Contains(PersistedTypes.States, t => t.Name == "TerritoryState");
        Assert.True(PersistedTypes.States.Count >= 10, $"Only {PersistedTypes.States.Count} state types found: {string.Join(", ", PersistedTypes.States)}.");
        Assert.Contains(PersistedTypes.Reachable, t => t.Name == "CaseSnapshot");
    }

    [Fact]
    public void The_stream_event_types_are_every_type_the_code_puts_on_a_stream()
    {
        var src = Path.Combine(Manifests.RepositoryRoot(), "src");
        var used = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"GetStream<(\w+)>").Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.Equal(PersistedTypes.StreamEvents.Select(t => t.Name).ToHashSet(), used);
    }

    [Fact]
    public void Every_persisted_type_has_a_stable_alias_and_every_field_an_id()
    {
        var problems = new List<string>();
        var aliases = new Dictionary<string, Type>();
        foreach (var type in PersistedTypes.Reachable)
        {
            if (type.IsEnum || type.IsInterface)
            {
                continue;
            }

            if (type.GetCustomAttribute<GenerateSerializerAttribute>() is null)
            {
                problems.Add($"{type.FullName} is persisted but not [GenerateSerializer].");
            }

            var alias = type.GetCustomAttribute<AliasAttribute>()?.Alias;
            if (alias is null)
            {
                problems.Add($"{type.FullName} has no [Alias]: renaming or moving it would orphan stored data.");
            }
            else if (!aliases.TryAdd(alias, type))
            {
                problems.Add($"{type.FullName} and {aliases[alias].FullName} share the alias {alias}.");
            }

            var ids = new Dictionary<uint, string>();
            foreach (var (name, _, _, id) in PersistedTypes.Members(type))
            {
                if (id is null)
                {
                    problems.Add($"{type.FullName}.{name} has no [Id]: Orleans would silently not store it.");
                }
                else if (!ids.TryAdd(id.Id, name))
                {
                    problems.Add($"{type.FullName}.{name} and .{ids[id.Id]} share [Id({id.Id})].");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
