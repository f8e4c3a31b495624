using System.Buffers;
using Orleans.Serialization;
using Orleans.Storage;

namespace GridGov.Hosting.Storage;

/// <summary>
/// How GridGov's grains store their state: Orleans' own binary format (the state types are
/// <c>[GenerateSerializer]</c> with stable aliases and field ids, so it is version tolerant) behind a two-byte marker.
/// Rows written before, as JSON, carry no marker — JSON never starts with a zero byte — and are still read with
/// <paramref name="legacy"/>; the next write of such a grain stores it in the binary format, which is smaller and
/// cheaper to write and read than the JSON (<c>docs/storage.md</c>).
/// </summary>
public sealed class GrainStateSerializer(Serializer binary, IGrainStorageSerializer legacy) : IGrainStorageSerializer
{
    private const byte Marker = 0x00;
    private const byte Version = 0x01;

    public BinaryData Serialize<T>(T? input)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write<byte>([Marker, Version]);
        binary.Serialize(input, buffer);
        return new BinaryData(buffer.WrittenMemory);
    }

    public T? Deserialize<T>(BinaryData input)
    {
        var bytes = input.ToMemory();
        if (bytes.Length >= 2 && bytes.Span[0] == Marker)
        {
            return bytes.Span[1] == Version
                ? binary.Deserialize<T>(bytes[2..])
                : throw new NotSupportedException($"Grain state format {bytes.Span[1]} is newer than this build reads.");
        }

        return legacy.Deserialize<T>(input);
    }
}
