using System.Reflection;
using GridGov.Contracts.Cases;
using Orleans.Runtime;

namespace GridGov.Tests.Upgrade;

/// <summary>
/// The types whose serialized form outlives a process: grain state (the <c>T</c> of every
/// <c>[PersistentState] IPersistentState&lt;T&gt;</c> in the grains) and the events of the case-event streams, with
/// every GridGov type reachable from them through their serialized members.
/// </summary>
public static class PersistedTypes
{
    public static readonly Assembly Contracts = typeof(CaseEvent).Assembly;
    public static readonly Assembly Grains = Assembly.Load("GridGov.Grains");

    /// <summary>
    /// What the case-event streams carry (<c>GetStream&lt;CaseEvent&gt;</c> in the grains; a stream's element type is
    /// not visible to reflection, so it is named here and checked against the stream's users in the test).
    /// </summary>
    public static readonly Type[] StreamEvents = [typeof(CaseEvent)];

    /// <summary>The state types of every <c>[PersistentState]</c> parameter of every grain constructor.</summary>
    public static IReadOnlyList<Type> States { get; } = Grains.GetTypes()
        .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        .SelectMany(c => c.GetParameters())
        .Where(p => p.GetCustomAttribute<PersistentStateAttribute>() is not null)
        .Select(p => p.ParameterType.GetGenericArguments().Single())
        .Distinct()
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    public static IReadOnlyList<Type> Roots { get; } = [.. States, .. StreamEvents];

    /// <summary>Every GridGov type reachable from the roots through serialized members and type arguments.</summary>
    public static IReadOnlyList<Type> Reachable { get; } = Walk();

    public static bool IsGridGov(Type type) => type.Assembly == Contracts || type.Assembly == Grains;

    /// <summary>The members Orleans serializes or would silently skip: every instance field and its property.</summary>
    public static IEnumerable<(string Name, MemberInfo Member, Type Type, IdAttribute? Id)> Members(Type type)
    {
        const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(Instance))
        {
            // An auto-property's backing field carries [Id] on its property (records: [property: Id(n)]).
            var property = field.Name.StartsWith('<') && field.Name.Contains(">k__BackingField", StringComparison.Ordinal)
                ? type.GetProperty(field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)], Instance)
                : null;
            MemberInfo member = (MemberInfo?)property ?? field;
            yield return (member.Name, member, field.FieldType, member.GetCustomAttribute<IdAttribute>() ?? field.GetCustomAttribute<IdAttribute>());
        }
    }

    private static List<Type> Walk()
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(Roots);
        while (queue.TryDequeue(out var type))
        {
            foreach (var part in Parts(type))
            {
                if (part.IsGenericParameter || !IsGridGov(part) || !seen.Add(part))
                {
                    continue;
                }

                if (part.IsEnum)
                {
                    continue;
                }

                for (var t = part; t is not null && IsGridGov(t); t = t.BaseType)
                {
                    seen.Add(t);
                    foreach (var (_, _, memberType, _) in Members(t))
                    {
                        queue.Enqueue(memberType);
                    }
                }
            }
        }

        return seen.OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
    }

    /// <summary>The type itself (open, when generic) and its element and type arguments.</summary>
    private static IEnumerable<Type> Parts(Type type)
    {
        if (type.IsArray)
        {
            foreach (var part in Parts(type.GetElementType()!))
            {
                yield return part;
            }

            yield break;
        }

        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Parts))
            {
                yield return argument;
            }
        }
    }
}
