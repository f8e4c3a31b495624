using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using CsvHelper.Configuration;
using GridGov.Contracts.Common;

namespace GridGov.Api.People;

/// <summary>One row of an uploaded CSV file: its line and its fields by column name (empty fields are null).</summary>
public sealed record CsvRow(long Line, IReadOnlyDictionary<string, string?> Fields)
{
    public string? this[string column] => Fields[column];
}

/// <summary>Reads an uploaded CSV body as it arrives (CsvHelper), after checking its type and its header.</summary>
public static class CsvRows
{
    /// <summary>Refuses a body that is not declared as CSV (415).</summary>
    public static void RequireCsv(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !media.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException("The body is CSV: Content-Type text/csv.", StatusCodes.Status415UnsupportedMediaType);
        }
    }

    public static async IAsyncEnumerable<CsvRow> ReadAsync(Stream body, IReadOnlyList<string> columns, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, leaveOpen: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, BadDataFound = null, DetectColumnCountChanges = false });
        if (!await csv.ReadAsync())
        {
            throw DomainException.Invalid("body", "The file is empty: it needs a header row naming the columns.");
        }

        csv.ReadHeader();
        var missing = columns.Where(c => !csv.HeaderRecord!.Contains(c, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (missing.Length > 0)
        {
            throw DomainException.Invalid("body", $"The header lacks the column(s) {string.Join(", ", missing)}; the columns are {string.Join(", ", columns)}.");
        }

        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new CsvRow(
                csv.Parser.RawRow,
                columns.ToDictionary(c => c, c => csv.GetField(c) is { Length: > 0 } value ? value : null));
        }
    }
}
