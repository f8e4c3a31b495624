using System.Net.Http.Headers;
using System.Text.Json;

namespace GridGov.IntakeBenchmark;

/// <summary>The read-case variant's set-up: cases reported with the app key first, so the load reads cases that exist and the key may see.</summary>
public sealed partial class Runner
{
    private const int CasesToRead = 1024;

    private async Task<LoadRequest[]> ReportCasesToReadAsync(
        Uri baseAddress, IReadOnlyDictionary<string, string> headers, int round, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(1) };
        foreach (var (name, value) in headers)
        {
            http.DefaultRequestHeaders.Add(name, value);
        }

        var reports = district.Requests(new Uri(baseAddress, "/api/v1/cases"), CasesToRead, GridGovVariant.App, seed: round);
        var ids = new string[reports.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, reports.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
        {
            using var content = new ByteArrayContent(reports[i].Body!);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var answer = await http.PostAsync(reports[i].Target, content, token);
            var body = await answer.Content.ReadAsStringAsync(token);
            if (!answer.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Reporting a case to read answered {(int)answer.StatusCode}: {body}");
            }

            using var created = JsonDocument.Parse(body);
            ids[i] = created.RootElement.GetProperty("id").GetString()!;
        });

        Print($"  reported {ids.Length} cases to read");
        return ids.Select(id => new LoadRequest(new Uri(baseAddress, $"/api/v1/cases/{id}"), null)).ToArray();
    }
}
