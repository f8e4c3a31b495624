using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace GridGov.Tests.Security;

/// <summary>
/// A fuzz test driven by the served OpenAPI document: every operation it lists (a new endpoint is picked up without
/// touching this file) gets a bounded set of malformed requests, as the operator and without a valid key. Every answer
/// must be below 500, free of stack traces, and — when it is a refusal — an RFC 9457 problem whose status is the HTTP
/// status; and nothing the requests could reach may have changed. What each request gets wrong, and why none of them
/// can legitimately change state, is on <see cref="RequestGenerator.For"/>.
/// <para>
/// Runs are seeded: the seed is in the failure message and the test output, and <c>GRIDGOV_FUZZ_SEED=&lt;seed&gt;</c>
/// replays the same mutations (the district codes differ from run to run).
/// </para>
/// </summary>
public sealed partial class FuzzTests(FuzzServer server, ITestOutputHelper output) : IClassFixture<FuzzServer>
{
    /// <summary>The cap on generated requests per run (more are generated once the API has ~15 operations; see RequestGenerator.Bound).</summary>
    private const int MaxRequests = 4000;

    private const int Parallelism = 16;

    /// <summary>Requests without a valid key share one rate-limit bucket per address (20/s, burst 40): stay under it.</summary>
    private static readonly TimeSpan AnonymousSpacing = TimeSpan.FromMilliseconds(60);

    /// <summary>An answer slower than this is a hang.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private sealed record Failure(string Category, FuzzCase Case, Answer Answer, string? KeyNote = null);

    [Fact]
    public async Task Every_documented_operation_refuses_malformed_requests_with_a_problem_and_changes_nothing()
    {
        var seed = Environment.GetEnvironmentVariable("GRIDGOV_FUZZ_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"Fuzz seed {seed} (GRIDGOV_FUZZ_SEED={seed} replays it).");

        var model = new OpenApiModel(await server.Http.GetStringAsync(new Uri(server.Address, "/openapi/v1.json")));
        Assert.NotEmpty(model.Operations);
        var generator = new RequestGenerator(model, server.Targets, random);

        // Every operation's requests, cut to the overall cap in proportion (see RequestGenerator.Bound).
        var generated = model.Operations.ToDictionary(op => op, generator.For);
        var scale = Math.Min(1.0, (double)MaxRequests / generated.Values.Sum(c => c.Count));
        var perOperation = generated.ToDictionary(x => x.Key, x => generator.Bound(x.Value, (int)(x.Value.Count * scale)));
        var cases = perOperation.Values.SelectMany(c => c).ToList();

        // The limit is the same for every operation: two of them are enough (32 MiB a request is slow).
        var oversized = model.Operations.Where(op => !op.IsSafe && op.Body is not null).Take(2).SelectMany(generator.Oversized).ToList();

        // Without a valid key: each operation's valid request with no key and with a bad one, and two of its
        // malformed requests.
        var badKeys = new (string Note, string? Key)[]
        {
            ("(empty)", ""), ("junk", "junk"), ("well-formed but unknown", "gg_0123456789abcdef_" + new string('x', 43)),
            ("4 KB", new string('k', 4096)), ("the operator key + 'x'", server.OperatorKey + "x"), ("the operator key as a Bearer token", "Bearer " + server.OperatorKey),
        };
        var anonymous = new List<(FuzzCase Case, string Note, string? Key)>();
        foreach (var op in model.Operations)
        {
            var valid = generator.Valid(op);
            anonymous.Add((valid, "(none)", null));
            anonymous.AddRange(badKeys.OrderBy(_ => random.Next()).Take(1).Select(k => (valid, k.Note, k.Key)));
            anonymous.AddRange(perOperation[op].OrderBy(_ => random.Next()).Take(2).Select(c => (c, "(none)", (string?)null)));
        }

        var coverage = Coverage(perOperation);
        var changes = new List<string>();
        var logMark = server.Errors.Count;
        var clock = Stopwatch.StartNew();

        // Without a valid key first (paced), then one operation at a time with a snapshot after each batch: a change
        // is pinned on the batch that made it, and one operation's wrongly accepted request cannot hide another's
        // (each operation's valid body writes its own marker).
        var baseline = await SnapshotAsync(model);
        var anonymousSent = new List<(FuzzCase Case, Answer Answer)>();
        foreach (var (c, _, key) in anonymous)
        {
            anonymousSent.Add((c, await server.SendAsync(c, key, RequestTimeout)));
            await Task.Delay(AnonymousSpacing);
        }

        var anonymousTime = clock.Elapsed;
        baseline = await CompareAsync(model, baseline, "the requests without a valid key", anonymousSent, changes);

        var sent = new List<(FuzzCase Case, Answer Answer)>();
        foreach (var batch in cases.GroupBy(c => c.Operation))
        {
            var batchCases = batch.ToArray();
            var answers = new Answer[batchCases.Length];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, batchCases.Length),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
                async (i, _) => answers[i] = await server.SendAsync(batchCases[i], server.OperatorKey, RequestTimeout));
            sent.AddRange(batchCases.Zip(answers));
            baseline = await CompareAsync(model, baseline, $"the requests to {batch.Key} ({batch.Key.Id})", [.. batchCases.Zip(answers)], changes);
        }

        var oversizedSent = new List<(FuzzCase Case, Answer Answer)>();
        foreach (var c in oversized)
        {
            oversizedSent.Add((c, await server.SendAsync(c, server.OperatorKey, RequestTimeout)));
        }

        await CompareAsync(model, baseline, "the bodies over the limit", oversizedSent, changes);
        clock.Stop();

        // Every answer.
        var failures = new List<Failure>();
        for (var i = 0; i < anonymous.Count; i++)
        {
            var (c, note, _) = anonymous[i];
            var answer = anonymousSent[i].Answer;
            failures.AddRange(FuzzAnswers.Check(c, answer).Select(category => new Failure(category, c, answer, note)));
            if (answer.Status != 0 && !FuzzAnswers.IsAnonymousRefusal(c, answer))
            {
                failures.Add(new Failure("without a valid key: not 401", c, answer, note));
            }
        }

        foreach (var (c, answer) in sent)
        {
            failures.AddRange(FuzzAnswers.Check(c, answer).Select(category => new Failure(category, c, answer)));
        }

        foreach (var (c, answer) in oversizedSent)
        {
            failures.AddRange(FuzzAnswers.Check(c, answer).Select(category => new Failure(category, c, answer)));
            if (answer.Status != 0 && answer.Status != 413)
            {
                failures.Add(new Failure("over the 32 MiB limit: not 413", c, answer));
            }
        }

        // Controls, after the last comparison: the valid request each unsafe operation's mutations start from is
        // accepted, so each refusal above was the doing of the one defect put into it.
        var controls = new List<string>();
        var notes = generator.Notes.ToList();
        foreach (var op in model.Operations.Where(op => !op.IsSafe))
        {
            var valid = generator.Valid(op);
            var answer = await server.SendAsync(valid, server.OperatorKey, RequestTimeout);
            if (answer.Status is >= 200 and < 300)
            {
                continue;
            }

            if (server.Targets.KnowsValidRequest(op))
            {
                controls.Add($"  {valid.Describe()}\n    → {answer.Describe()}");
            }
            else
            {
                notes.Add($"{op}: the fuzzer knows no valid request (FuzzTargets.BaseBody / SeedFor), and the one it built is refused ({answer.Status}), so its mutations reach no deeper than that request's own defect.");
            }
        }

        var serverErrors = server.Errors.Since(logMark).ToList();
        Summarize(seed, sent, anonymousSent, oversizedSent, clock.Elapsed, anonymousTime, notes);
        var report = Report(seed, failures, changes, controls, coverage, serverErrors, sent.Count + anonymous.Count + oversized.Count, clock.Elapsed);
        Assert.True(failures.Count == 0 && changes.Count == 0 && controls.Count == 0 && coverage.Count == 0, report);
    }

    /// <summary>
    /// What the fuzzed requests could reach, read as the operator: every readable entity a path parameter was seeded
    /// with (status, ETag and body, byte for byte, but for the traceId of a problem), and the API keys listed to the
    /// untouched district's admin and to the operator (no malformed request may have issued one).
    /// </summary>
    private async Task<SortedDictionary<string, string>> SnapshotAsync(OpenApiModel model)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in model.Operations.Where(op => op.IsSafe && op.PathParameters.Any() && !op.QueryParameters.Any(q => q.Required)))
        {
            var path = server.Targets.FillPath(op);
            using var response = await server.SendAsync(HttpMethod.Get, path, server.OperatorKey);
            var body = FuzzServer.IsEventStream(response) ? "(event stream)" : TraceId().Replace(await response.Content.ReadAsStringAsync(), "");
            snapshot[$"GET {path}"] = $"{(int)response.StatusCode} ETag: {response.Headers.ETag}\n{body}";
        }

        snapshot["API keys listed to the untouched district's admin"] = await KeysAsync(server.UntouchedAdminKey);
        snapshot["API keys listed to the operator"] = await KeysAsync(server.OperatorKey);
        return snapshot;

        async Task<string> KeysAsync(string key)
        {
            using var response = await server.SendAsync(HttpMethod.Get, "/api/v1/api-keys?limit=500", key);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                return $"{(int)response.StatusCode} {text}";
            }

            // Ids, roles, scopes, revocations; not lastUsedAt, which the listing key's own use moves.
            using var document = JsonDocument.Parse(text);
            var items = document.RootElement.GetProperty("items").EnumerateArray()
                .Select(k => $"{k.GetProperty("id").GetString()} {k.GetProperty("role").GetString()} {k.GetProperty("scope").GetString()} revokedAt={k.GetProperty("revokedAt")}")
                .Order(StringComparer.Ordinal)
                .ToArray();
            return $"{items.Length} keys: {string.Join(", ", items)}";
        }
    }

    /// <summary>Takes a snapshot, records what differs from the one before (with the batch's accepted unsafe requests as suspects), and answers it.</summary>
    private async Task<SortedDictionary<string, string>> CompareAsync(
        OpenApiModel model, SortedDictionary<string, string> before, string batch, List<(FuzzCase Case, Answer Answer)> sent, List<string> changes)
    {
        var after = await SnapshotAsync(model);
        var changed = before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"  {k}\n    before: {FuzzCase.Excerpt(before.GetValueOrDefault(k) ?? "(absent)", 600)}\n    after:  {FuzzCase.Excerpt(after.GetValueOrDefault(k) ?? "(absent)", 600)}")
            .ToList();
        if (changed.Count > 0)
        {
            var accepted = sent.Where(x => !x.Case.Operation.IsSafe && x.Answer.Status is >= 200 and < 300).ToList();
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"[state changed] during {batch}, every one of them malformed:");
            changed.ForEach(c => text.AppendLine(c));
            text.AppendLine(CultureInfo.InvariantCulture, $"  The batch's unsafe requests the API accepted ({accepted.Count}; one per kind of defect):");
            foreach (var (c, answer) in accepted.DistinctBy(x => RequestGenerator.Stratum(x.Case.Defect)).OrderBy(x => x.Case.Defect.StartsWith("$.", StringComparison.Ordinal)).Take(20))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {c.Describe()}\n    → {answer.Describe()}");
            }

            changes.Add(text.ToString());
        }

        return after;
    }

    /// <summary>Every operation, path parameter, query parameter and body in the document was fuzzed.</summary>
    private static List<string> Coverage(Dictionary<ApiOperation, List<FuzzCase>> perOperation)
    {
        var gaps = new List<string>();
        foreach (var (op, cases) in perOperation)
        {
            if (cases.Count == 0)
            {
                gaps.Add($"{op}: no request was generated.");
            }

            foreach (var parameter in op.PathParameters.Concat(op.QueryParameters))
            {
                if (!cases.Any(c => c.Defect.StartsWith($"{parameter.In} {parameter.Name}", StringComparison.Ordinal)))
                {
                    gaps.Add($"{op}: {parameter.In} parameter '{parameter.Name}' was not fuzzed.");
                }
            }

            if (op.Body is not null && !cases.Any(c => c.Defect.StartsWith('$')))
            {
                gaps.Add($"{op}: the body's members were not fuzzed.");
            }
        }

        return gaps;
    }

    private void Summarize(
        int seed, List<(FuzzCase Case, Answer Answer)> sent, List<(FuzzCase Case, Answer Answer)> anonymous, List<(FuzzCase Case, Answer Answer)> oversized,
        TimeSpan elapsed, TimeSpan anonymousTime, IReadOnlyList<string> notes)
    {
        output.WriteLine($"seed {seed}: {sent.Count} requests as the operator, {anonymous.Count} without a valid key, {oversized.Count} over the body limit; {elapsed.TotalSeconds:F1} s ({anonymousTime.TotalSeconds:F1} s of it paced for the anonymous rate limit).");
        output.WriteLine($"slowest answer (bodies within the limit): {sent.Max(x => x.Answer.Elapsed).TotalMilliseconds:F0} ms");
        foreach (var group in sent.GroupBy(x => x.Case.Operation))
        {
            output.WriteLine($"  {group.Key,-48} {group.Count(),4} requests: {Statuses(group)}");
        }

        output.WriteLine($"  without a valid key                              {anonymous.Count,4} requests: {Statuses(anonymous)}");
        output.WriteLine($"  over the body limit                              {oversized.Count,4} requests: {Statuses(oversized)}");
        output.WriteLine("refusals by status and media type: " + string.Join(", ", sent.Concat(anonymous).Concat(oversized)
            .Where(x => x.Answer.Status >= 400)
            .GroupBy(x => (x.Answer.Status, x.Answer.MediaType))
            .OrderBy(g => g.Key.Status)
            .Select(g => $"{g.Key.Status} {g.Key.MediaType ?? "(no body)"} ×{g.Count()}")));
        foreach (var note in notes)
        {
            output.WriteLine($"note: {note}");
        }

        static string Statuses(IEnumerable<(FuzzCase Case, Answer Answer)> answers) =>
            string.Join(", ", answers.GroupBy(x => x.Answer.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
    }

    private static string Report(
        int seed, List<Failure> failures, List<string> changes, List<string> controls, List<string> coverage, List<string> serverErrors, int total, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fuzz seed {seed} (GRIDGOV_FUZZ_SEED={seed} replays it): {total} requests in {elapsed.TotalSeconds:F1} s.");
        foreach (var group in failures.GroupBy(f => (f.Category, f.Case.Operation.Id)).OrderBy(g => g.Key.Category, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"[{group.Key.Category}] {group.First().Case.Operation}: {group.Count()} request(s), e.g.");
            foreach (var failure in group.DistinctBy(f => RequestGenerator.Stratum(f.Case.Defect)).Take(6))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {failure.Case.Describe(failure.KeyNote)}");
                text.AppendLine(CultureInfo.InvariantCulture, $"    → {failure.Answer.Describe()}");
            }
        }

        changes.ForEach(c => text.Append(c));
        if (controls.Count > 0)
        {
            text.AppendLine("[control] the valid request an operation's mutations start from was refused, so they test less than they claim:");
            controls.ForEach(c => text.AppendLine(c));
        }

        coverage.ForEach(c => text.AppendLine(CultureInfo.InvariantCulture, $"[coverage] {c}"));
        if (serverErrors.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Errors the server logged meanwhile ({serverErrors.Count}; the distinct ones):");
            foreach (var entry in serverErrors.DistinctBy(e => string.Join('\n', e.Split('\n').Skip(1).Take(4))).Take(10))
            {
                text.AppendLine("  " + string.Join("\n  ", entry.Split('\n').Take(14)));
            }
        }

        return text.ToString();
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\",?")]
    private static partial Regex TraceId();
}
