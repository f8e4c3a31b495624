using System.Diagnostics.Metrics;
using GridGov.Grains.Telemetry;

namespace GridGov.Hosting.Telemetry;

/// <summary>
/// GridGov's instruments outside the grains, on the same <c>GridGov</c> meter as <see cref="CaseMetrics"/>: the outbox
/// sweep, webhook deliveries, imports and the API's rate limits. Tags are few fixed strings.
/// </summary>
public sealed class GridGovMetrics
{
    public const string OutcomeTag = "outcome";
    public const string KindTag = "kind";
    public const string RoleTag = "role";

    private readonly Counter<long> _republished;
    private readonly Counter<long> _webhookAttempts;
    private readonly Counter<long> _importRows;
    private readonly Counter<long> _rateLimited;

    public GridGovMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CaseMetrics.MeterName);
        _republished = meter.CreateCounter<long>(
            "gridgov.cases.outbox.republished", "{case}", "Cases the outbox sweep asked to publish their latest event again (lost with a silo).");
        _webhookAttempts = meter.CreateCounter<long>(
            "gridgov.webhooks.deliveries", "{attempt}", "Webhook delivery attempts, by outcome: delivered, retry (failed, tried again later) or dead_letter (failed for the last time).");
        _importRows = meter.CreateCounter<long>(
            "gridgov.imports.rows", "{row}", "CSV rows read by imports, by kind (households, members); its rate is rows per second.");
        _rateLimited = meter.CreateCounter<long>(
            "gridgov.api.rate_limited", "{request}", "Requests refused with 429 by the API's rate limits, by the caller's role (anonymous without a valid key).");
    }

    public void Republished(int cases) => _republished.Add(cases);

    /// <summary>One attempt's outcome: delivered, retry or dead_letter.</summary>
    public void WebhookAttempt(bool delivered, bool last) =>
        _webhookAttempts.Add(1, new KeyValuePair<string, object?>(OutcomeTag, delivered ? "delivered" : last ? "dead_letter" : "retry"));

    public void ImportRow(ImportKind kind) =>
        _importRows.Add(1, new KeyValuePair<string, object?>(KindTag, kind switch { ImportKind.Households => "households", ImportKind.Members => "members", _ => "enterprises" }));

    /// <summary><paramref name="role"/> is one of the fixed role names, or null for a caller without a valid key.</summary>
    public void RateLimited(string? role) => _rateLimited.Add(1, new KeyValuePair<string, object?>(RoleTag, role ?? "anonymous"));
}

public enum ImportKind
{
    Households,
    Members,
    Enterprises,
}
