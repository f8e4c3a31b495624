using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Orleans;

namespace GridGov.Tests.Upgrade;

/// <summary>
/// A deterministic example of any persisted type with every stored member filled (nested records, lists,
/// dictionaries, enums, optional values), so a golden file exercises every field id a stored row can hold.
/// </summary>
public static class Samples
{
    private const int MaxDepth = 6;
    private static readonly DateTimeOffset Epoch = new(2026, 6, 1, 8, 30, 0, TimeSpan.FromHours(8));

    public static object Of(Type type) => Build(type, type.Name, 0)
        ?? throw new InvalidOperationException($"No sample of {type}.");

    private static object? Build(Type type, string path, int depth)
    {
        var seed = Seed(path);
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Build(underlying, path, depth);
        }

        if (type == typeof(string))
        {
            // Digits, so that territory, district and case codes parse wherever a string is one.
            return "460204" + (seed % 1000).ToString("000", CultureInfo.InvariantCulture);
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(values.Length - 1);
        }

        if (Scalar(type, seed) is { } scalar)
        {
            return scalar;
        }

        if (depth >= MaxDepth)
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }

        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, 2);
            array.SetValue(Build(element, path + "[0]", depth + 1), 0);
            array.SetValue(Build(element, path + "[1]", depth + 1), 1);
            return array;
        }

        if (type.IsGenericType && Collection(type, path, depth) is { } collection)
        {
            return collection;
        }

        return Composite(type, path, depth);
    }

    private static object? Scalar(Type type, uint seed) => type switch
    {
        _ when type == typeof(bool) => true,
        _ when type == typeof(int) => (int)(seed % 1000) + 1,
        _ when type == typeof(long) => (long)(seed % 100000) + 1,
        _ when type == typeof(short) => (short)((seed % 100) + 1),
        _ when type == typeof(byte) => (byte)((seed % 200) + 1),
        _ when type == typeof(uint) => (seed % 1000) + 1,
        _ when type == typeof(ulong) => (ulong)(seed % 100000) + 1,
        _ when type == typeof(double) => (seed % 1000) + 0.25,
        _ when type == typeof(float) => (seed % 1000) + 0.5f,
        _ when type == typeof(decimal) => (seed % 1000) + 0.75m,
        _ when type == typeof(Guid) => new Guid(MD5.HashData(BitConverter.GetBytes(seed))),
        _ when type == typeof(DateTimeOffset) => Epoch.AddSeconds(seed % 86400),
        _ when type == typeof(DateTime) => Epoch.UtcDateTime.AddSeconds(seed % 86400),
        _ when type == typeof(DateOnly) => DateOnly.FromDateTime(Epoch.Date.AddDays(seed % 300)),
        _ when type == typeof(TimeSpan) => TimeSpan.FromSeconds((seed % 3600) + 1),
        _ when type == typeof(byte[]) => SHA256.HashData(BitConverter.GetBytes(seed)),
        _ => null,
    };

    private static object? Collection(Type type, string path, int depth)
    {
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        if (arguments.Length == 1 && (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(arguments))!;
            list.Add(Build(arguments[0], path + "[0]", depth + 1));
            list.Add(Build(arguments[0], path + "[1]", depth + 1));
            return list;
        }

        if (arguments.Length == 1 && (definition == typeof(HashSet<>) || definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>)))
        {
            var set = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(arguments))!;
            var add = set.GetType().GetMethod("Add")!;
            add.Invoke(set, [Build(arguments[0], path + "{0}", depth + 1)]);
            add.Invoke(set, [Build(arguments[0], path + "{1}", depth + 1)]);
            return set;
        }

        if (arguments.Length == 2 && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)))
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
            for (var i = 0; i < 2; i++)
            {
                var key = Build(arguments[0], $"{path}.key{i}", depth + 1)!;
                dictionary[key] = Build(arguments[1], $"{path}.value{i}", depth + 1);
            }

            return dictionary;
        }

        return null;
    }

    /// <summary>A GridGov record or class: its widest constructor, then every [Id] member it left unset.</summary>
    private static object Composite(Type type, string path, int depth)
    {
        if (type.IsAbstract || type.IsInterface)
        {
            throw new InvalidOperationException($"{path}: {type} is abstract; give Samples a concrete type for it.");
        }

        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(c => !c.GetParameters().Any(p => p.ParameterType == type))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        object instance;
        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (constructor is null)
        {
            instance = Activator.CreateInstance(type)!;
        }
        else
        {
            var parameters = constructor.GetParameters();
            instance = constructor.Invoke(parameters.Select(p => Build(p.ParameterType, $"{path}.{p.Name}", depth + 1)).ToArray());
            covered.UnionWith(parameters.Select(p => p.Name!));
        }

        for (var t = type; t is not null && PersistedTypes.IsGridGov(t); t = t.BaseType)
        {
            foreach (var (name, member, memberType, id) in PersistedTypes.Members(t))
            {
                if (id is null || covered.Contains(name))
                {
                    continue;
                }

                var value = Build(memberType, $"{path}.{name}", depth + 1);
                switch (member)
                {
                    case PropertyInfo { CanWrite: true } property:
                        property.SetValue(instance, value);
                        break;
                    case PropertyInfo property:
                        t.GetField($"<{property.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(instance, value);
                        break;
                    case FieldInfo field:
                        field.SetValue(instance, value);
                        break;
                }
            }
        }

        return instance;
    }

    private static uint Seed(string path) => BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(path)), 0);
}
