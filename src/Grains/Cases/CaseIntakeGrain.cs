using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.Cases;

/// <summary>
/// Routes a report and hands it on. Keeps no state and only awaits other grains, so it is reentrant: each worker
/// takes many reports at once, as reception does.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed partial class CaseIntakeGrain(TimeProvider time) : Grain, ICaseIntakeGrain
{
    async Task<CaseSnapshot> ICaseIntakeGrain.ReportAsync(NewCase report, string? district, string? idempotencyKey)
    {
        var routed = report with { GridCode = await RouteAsync(report, district) };
        var caseDistrict = DistrictCode.Of(routed.GridCode);
        if (report.PatrolId is { } patrolId)
        {
            await CheckPatrolAsync(patrolId, caseDistrict);
        }

        if (idempotencyKey is null)
        {
            return await GrainFactory.GetGrain<ICaseReceptionGrain>(caseDistrict).ReportAsync(CaseIds.New(caseDistrict, time.GetUtcNow()), routed);
        }

        // One intake grain per (caller, key); the fingerprint tells a replay from another request under the same key.
        var intake = $"{caseDistrict}-IK-{Hash($"{report.ReportedBy}\n{idempotencyKey}")[..32]}";
        return await GrainFactory.GetGrain<IIntakeGrain>(intake).ReportAsync(routed, Hash(JsonSerializer.Serialize(routed)));
    }

    async Task<CaseSnapshot> ICaseIntakeGrain.ReportInDistrictAsync(NewCase report, string district)
    {
        var grid = district;
        if (report is { Lat: { } lat, Lon: { } lon })
        {
            var located = await GrainFactory.GetGrain<ILocatorGrain>(0).LocateAsync(lat, lon, district);
            grid = located.MicroGrid?.Code ?? located.Grid?.Code ?? (located.Fallback is { Level: >= TerritoryLevel.Community } fallback ? fallback.Code : district);
        }

        return await GrainFactory.GetGrain<ICaseReceptionGrain>(district).ReportAsync(CaseIds.New(district, time.GetUtcNow()), report with { GridCode = grid });
    }

    /// <summary>The micro-grid, grid (or community) the case goes to: the one staff named, else the one that holds the point.</summary>
    private async Task<string> RouteAsync(NewCase report, string? district)
    {
        if (report.GridCode.Length > 0)
        {
            var node = await GrainFactory.GetGrain<ITerritoryGrain>(report.GridCode).GetAsync()
                ?? throw DomainException.Invalid("gridCode", $"Territory {report.GridCode} does not exist.");
            if (node.Retired)
            {
                // A re-gridded node takes no new cases; naming its successor lets the caller send the case on.
                throw DomainException.Invalid("gridCode", $"Territory {report.GridCode} is retired{(node.Successor is { } s ? $"; its successor is {s}" : "")}.");
            }

            return report.GridCode;
        }

        if (report is not { Lat: { } lat, Lon: { } lon })
        {
            throw DomainException.Invalid(report.Lat is null ? "lat" : "lon", "lat and lon (WGS-84) are required to route the case, unless staff give gridCode.");
        }

        var located = await GrainFactory.GetGrain<ILocatorGrain>(0).LocateAsync(lat, lon, district);
        // The deepest node that holds the point: a micro-grid inside a grid, where its chief handles the case.
        return located.MicroGrid?.Code
            ?? located.Grid?.Code
            ?? (located.Fallback is { Level: >= TerritoryLevel.Community } fallback ? fallback.Code : null)
            ?? throw DomainException.Invalid("lat", "No grid or community of your district covers this point.");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
