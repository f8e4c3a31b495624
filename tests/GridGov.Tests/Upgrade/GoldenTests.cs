using System.Text.Json;
using System.Text.Json.Nodes;
using GridGov.Contracts.Cases;
using GridGov.Hosting.Live;
using GridGov.Hosting.Storage;
using GridGov.Tests.Deploy;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace GridGov.Tests.Upgrade;

/// <summary>
/// Stored data written by an earlier version must still read. <c>Golden/</c> holds, for every persisted state and
/// stream event type, a sample as GridGov's <see cref="GrainStateSerializer"/> stored it (<c>.bin</c>) and the object
/// it stored (<c>.json</c>). This build reads each <c>.bin</c> back and must find every value of the <c>.json</c>: a
/// renumbered or retyped field, a renamed alias or a removed member fails here, not in production. Fields added
/// since are allowed (they read as their default). Regenerate after a deliberate, migrated change with
/// <c>GRIDGOV_WRITE_GOLDEN=1 ./test.sh --filter "FullyQualifiedName~GridGov.Tests.Upgrade"</c> (docs/operations.md).
/// </summary>
public sealed class GoldenTests
{
    public const string WriteVariable = "GRIDGOV_WRITE_GOLDEN";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, IncludeFields = false };

    private static readonly Lazy<GrainStateSerializer> Serializer = new(() =>
    {
        var services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(PersistedTypes.Contracts).AddAssembly(PersistedTypes.Grains))
            .BuildServiceProvider();
        return new GrainStateSerializer(services.GetRequiredService<Serializer>(), new NoLegacyRows());
    });

    private static string Folder => Path.Combine(Manifests.RepositoryRoot(), "tests", "GridGov.Tests", "Upgrade", "Golden");

    public static TheoryData<string> Roots() => [.. PersistedTypes.Roots.Select(FileName)];

    [Theory]
    [MemberData(nameof(Roots))]
    public void A_stored_sample_written_by_the_golden_version_reads_back_with_every_value(string name)
    {
        var type = PersistedTypes.Roots.Single(t => FileName(t) == name);
        var bin = Path.Combine(Folder, name + ".bin");
        var json = Path.Combine(Folder, name + ".json");
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            var sample = Samples.Of(type);
            Directory.CreateDirectory(Folder);
            File.WriteAllBytes(bin, Serialize(type, sample).ToArray());
            File.WriteAllText(json, JsonSerializer.Serialize(sample, type, Json) + "\n");
        }

        Assert.True(File.Exists(bin) && File.Exists(json), $"No golden sample of {type.FullName} ({name}.bin/.json in {Folder}): a new persisted type needs one; write it with {WriteVariable}=1.");

        var read = Deserialize(type, BinaryData.FromBytes(File.ReadAllBytes(bin)));
        var expected = JsonNode.Parse(File.ReadAllText(json));
        var actual = JsonNode.Parse(JsonSerializer.Serialize(read, type, Json));
        var differences = new List<string>();
        Compare(expected, actual, "$", differences);
        Assert.True(differences.Count == 0, $"{type.FullName} no longer reads what the golden version stored:\n{string.Join("\n", differences)}");
    }

    /// <summary>
    /// The case-event log (<c>gridgov_case_events</c>, which live feeds and webhooks resume from) stores each event as
    /// JSON: a row written by the golden version reads back with every value too.
    /// </summary>
    [Fact]
    public void A_case_event_log_row_written_by_the_golden_version_reads_back_with_every_value()
    {
        var row = Path.Combine(Folder, "CaseEvent.log-row.json");
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            File.WriteAllText(row, JsonSerializer.Serialize((CaseEvent)Samples.Of(typeof(CaseEvent)), LiveJson.Log) + "\n");
        }

        Assert.True(File.Exists(row), $"No golden case-event log row ({row}); write it with {WriteVariable}=1.");
        var read = JsonSerializer.Deserialize<CaseEvent>(File.ReadAllText(row), LiveJson.Log);
        var differences = new List<string>();
        Compare(JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "CaseEvent.json"))), JsonNode.Parse(JsonSerializer.Serialize(read, Json)), "$", differences);
        Assert.True(differences.Count == 0, $"A case-event log row no longer reads as the golden version wrote it:\n{string.Join("\n", differences)}");
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_persisted_type()
    {
        var names = PersistedTypes.Roots.Select(FileName).ToHashSet();
        var strays = Directory.GetFiles(Folder).Select(f => Path.GetFileName(f).Split('.')[0]).Where(n => !names.Contains(n)).ToList();
        Assert.True(strays.Count == 0, $"Golden files of no persisted type (a state type removed or renamed?): {string.Join(", ", strays)}.");
    }

    /// <summary>The control: a sample whose field ids are shifted does not read back as the golden.</summary>
    [Fact]
    public void The_comparison_sees_a_changed_value()
    {
        var expected = JsonNode.Parse("""{"a":1,"b":[{"c":"x"}]}""");
        var differences = new List<string>();
        Compare(expected, JsonNode.Parse("""{"a":1,"b":[{"c":"y"}],"d":2}"""), "$", differences);
        Assert.Equal(["$.b[0].c: stored \"x\", read \"y\""], differences);
    }

    private static string FileName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}-of-{string.Join("-", type.GetGenericArguments().Select(FileName))}"
        : type.Name;

    private static BinaryData Serialize(Type type, object value) =>
        (BinaryData)typeof(GrainStateSerializer).GetMethod(nameof(GrainStateSerializer.Serialize))!.MakeGenericMethod(type)
            .Invoke(Serializer.Value, [value])!;

    private static object? Deserialize(Type type, BinaryData data) =>
        typeof(GrainStateSerializer).GetMethod(nameof(GrainStateSerializer.Deserialize))!.MakeGenericMethod(type)
            .Invoke(Serializer.Value, [data]);

    /// <summary>Every value stored must be read; members the reader has and the golden lacks are new, and allowed.</summary>
    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected)
        {
            case JsonObject stored:
                if (actual is not JsonObject read)
                {
                    differences.Add($"{path}: stored an object, read {actual?.ToJsonString() ?? "null"}");
                    return;
                }

                foreach (var (key, value) in stored)
                {
                    if (!read.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: stored, no longer read");
                        continue;
                    }

                    Compare(value, read[key], $"{path}.{key}", differences);
                }

                return;
            case JsonArray storedItems:
                if (actual is not JsonArray readItems || readItems.Count != storedItems.Count)
                {
                    differences.Add($"{path}: stored {storedItems.Count} items, read {actual?.ToJsonString() ?? "null"}");
                    return;
                }

                for (var i = 0; i < storedItems.Count; i++)
                {
                    Compare(storedItems[i], readItems[i], $"{path}[{i}]", differences);
                }

                return;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"{path}: stored {expected?.ToJsonString() ?? "null"}, read {actual?.ToJsonString() ?? "null"}");
                }

                return;
        }
    }

    /// <summary>Golden files are binary; a JSON row (the format before it) is not what they test.</summary>
    private sealed class NoLegacyRows : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => throw new NotSupportedException();

        public T? Deserialize<T>(BinaryData input) => throw new InvalidOperationException("A golden file is not in GridGov's binary state format.");
    }
}
