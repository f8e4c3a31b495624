using GridGov.Api.Security;
using GridGov.Api.Territory;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Patrols;
using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Patrols;

/// <summary>Patrols and visits (人在网格走, docs/resources.md): a grid worker's patrol, its track, care visits, and figures.</summary>
public static class PatrolsApi
{
    private const int MaxDays = 366;

    public static void MapPatrols(this RouteGroupBuilder api)
    {
        var patrols = api.MapGroup("/patrols").WithTags("Patrols");
        patrols.MapPost("/", Start).RequireAuthorization(Policies.PatrolWalk)
            .WithName("StartPatrol").WithSummary("Start a patrol of a grid (the caller's staff id is the worker)")
            .WithDescription("A grid worker's key carries the staff id that walks the patrol (403 without one). gridCode is a grid (15 digits) of the caller's district; startedAt (optional) is for a patrol recorded offline and uploaded later, at most 10 days ago. 201 with Location /api/v1/patrols/{id}.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        patrols.MapGet("/{id}", Get).RequireAuthorization(Policies.PatrolRead)
            .WithName("GetPatrol").WithSummary("A patrol's figures and visits")
            .WithDescription("Distance (metres, haversine over the track), time on patrol (seconds: start to end, or to the last point while open), the grid's micro-grids and those a track point lay in, and the care visits. A grid worker reads only their own patrols.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        patrols.MapPost("/{id}/points", AddPoints).RequireAuthorization(Policies.PatrolWalk)
            .WithName("UploadPatrolPoints").WithSummary("Upload a batch of up to 1,000 track points")
            .WithDescription("batch numbers the uploads 1, 2, 3… in order (409 naming batch otherwise). Each point has lat, lon and at, within the patrol's time and in time order, none before the previous batch's last (400 naming points[i] and the field). A retried batch with the same points answers duplicate: true and changes nothing; the same number with other points is 409.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        patrols.MapPost("/{id}/end", End).RequireAuthorization(Policies.PatrolWalk)
            .WithName("EndPatrol").WithSummary("End a patrol")
            .WithDescription("endedAt (optional: now, or 24 hours after the start at most) is not before the last point. Ending an ended patrol answers it as it is. Batches of points taken before the end may still be uploaded.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        patrols.MapGet("/{id}/track", Track).RequireAuthorization(Policies.PatrolRead)
            .WithName("GetPatrolTrack").WithSummary("A patrol's track, in the order taken")
            .WithDescription("Read from the read model, where each batch is kept as one chunk. Where a worker walked is personal data: supervisors only (403 for grid workers).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        patrols.MapPost("/{id}/visits", Visit).RequireAuthorization(Policies.PatrolWalk)
            .WithName("RecordPatrolVisit").WithSummary("Record a care visit (走访) to a household during the patrol")
            .WithDescription("householdId, date (the patrol's days; today when absent) and note. A second visit to the same household on the patrol answers the first. A worker who is a Party member (by staff id) visiting a household linked to them has the visit recorded by the member's ledger too, which pays the careVisit rules once (memberId, careVisitId and points say so).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/territory/{code}/patrol-stats", GridStats).RequireAuthorization(Policies.PatrolRead)
            .WithTags("Patrols").WithName("GetGridPatrolStats").WithSummary("A grid's patrol figures for a period")
            .WithDescription(StatsDescription).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/districts/{district}/workers/{staffId}/patrol-stats", WorkerStats).RequireAuthorization(Policies.PatrolRead)
            .WithTags("Patrols").WithName("GetWorkerPatrolStats").WithSummary("A worker's patrol figures for a period, per grid")
            .WithDescription(StatsDescription + " A grid worker reads only their own (403).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private const string StatsDescription =
        "from and to are days (yyyy-MM-dd, inclusive, China Standard Time; a patrol counts on the day it started); the last 7 days when absent, at most 366. Patrols, distance (metres), time on patrol (seconds), and the share of the grid's micro-grids that some track point of the period lay in, from the read model's rows written as each batch arrived (no patrol is activated).";

    public static async Task<Created<PatrolView>> Start(PatrolStartRequest request, HttpContext http, IClusterClient cluster, TimeProvider time)
    {
        var worker = Worker(http);
        var grid = request.GridCode.Trim();
        if (!TerritoryCode.IsValid(grid) || TerritoryCode.LevelOf(grid) != TerritoryLevel.Grid)
        {
            throw DomainException.Invalid("gridCode", "gridCode is a grid's code (15 digits).");
        }

        http.RequireDistrict(DistrictCode.Of(grid), $"Grid {grid}");
        var id = PatrolIds.New(DistrictCode.Of(grid), time.GetUtcNow());
        var patrol = await cluster.GetGrain<IPatrolGrain>(id).StartAsync(grid, worker, request.StartedAt);
        return TypedResults.Created($"/api/v1/patrols/{id}", PatrolView.From(patrol));
    }

    public static async Task<Ok<PatrolView>> Get(string id, HttpContext http, IClusterClient cluster)
    {
        RequirePatrol(id, http);
        var patrol = await cluster.GetGrain<IPatrolGrain>(id).GetAsync();
        var caller = http.Caller();
        return patrol is null || (caller.Role == Roles.GridWorker && caller.StaffId != patrol.Worker)
            ? throw DomainException.NotFound($"Patrol {id} does not exist.")
            : TypedResults.Ok(PatrolView.From(patrol));
    }

    public static async Task<Ok<PatrolBatchView>> AddPoints(string id, TrackBatchRequest request, HttpContext http, IClusterClient cluster)
    {
        RequirePatrol(id, http);
        var worker = Worker(http);
        if (request.Batch < 1)
        {
            throw DomainException.Invalid("batch", "batch numbers the uploads from 1.");
        }

        if (request.Points.Count is 0 or > PatrolLimits.BatchPoints)
        {
            throw DomainException.Invalid("points", $"A batch has 1 to {PatrolLimits.BatchPoints} points.");
        }

        var points = new TrackPoint[request.Points.Count];
        for (var i = 0; i < points.Length; i++)
        {
            var p = request.Points[i] ?? throw DomainException.Invalid($"points[{i}]", "A point is an object with lat, lon and at.");
            if (p.Lat is not { } lat || !double.IsFinite(lat) || lat is < -90 or > 90)
            {
                throw DomainException.Invalid($"points[{i}].lat", "lat is a latitude from -90 to 90 (WGS-84).");
            }

            if (p.Lon is not { } lon || !double.IsFinite(lon) || lon is < -180 or > 180)
            {
                throw DomainException.Invalid($"points[{i}].lon", "lon is a longitude from -180 to 180.");
            }

            // The track keeps milliseconds: a point is taken as it will be read back.
            points[i] = p.At is { } at
                ? new TrackPoint(lat, lon, DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()))
                : throw DomainException.Invalid($"points[{i}].at", "at is when the point was taken (RFC 3339).");
        }

        var result = await cluster.GetGrain<IPatrolGrain>(id).AddPointsAsync(request.Batch, points, worker);
        return TypedResults.Ok(new PatrolBatchView(result.Duplicate, result.Accepted, PatrolView.From(result.Patrol)));
    }

    public static async Task<Ok<PatrolView>> End(string id, PatrolEndRequest? request, HttpContext http, IClusterClient cluster)
    {
        RequirePatrol(id, http);
        return TypedResults.Ok(PatrolView.From(await cluster.GetGrain<IPatrolGrain>(id).EndAsync(Worker(http), request?.EndedAt)));
    }

    public static async Task<Ok<PatrolTrackView>> Track(string id, HttpContext http, IPatrolReadModel readModel, CancellationToken cancellationToken)
    {
        if (http.Caller().Role == Roles.GridWorker)
        {
            throw DomainException.Forbidden("A patrol's track is read by supervisors.");
        }

        RequirePatrol(id, http);

        var points = await readModel.TrackAsync(id, cancellationToken);
        return TypedResults.Ok(new PatrolTrackView(id, points.Select(p => new TrackPointView(p.Lat, p.Lon, p.At)).ToArray()));
    }

    public static async Task<Created<PatrolVisitView>> Visit(string id, PatrolVisitRequest request, HttpContext http, IClusterClient cluster, TimeProvider time)
    {
        RequirePatrol(id, http);
        var worker = Worker(http);
        var household = request.HouseholdId.Trim();
        if (!PeopleIds.IsValid(household, "H") || DistrictCode.Of(household) != DistrictCode.Of(id))
        {
            throw DomainException.Invalid("householdId", $"'{household}' is not a household id of the patrol's district.");
        }

        var date = request.Date ?? PointPeriods.DayOf(time.GetUtcNow());
        var visit = await cluster.GetGrain<IPatrolGrain>(id).VisitAsync(household, date, request.Note, worker);
        return TypedResults.Created($"/api/v1/patrols/{id}", PatrolVisitView.From(visit));
    }

    /// <summary>One read-model query: the grid's patrols of the period summed.</summary>
    public static async Task<Ok<GridPatrolStatsView>> GridStats(
        string code, DateOnly? from, DateOnly? to, HttpContext http, IPatrolReadModel readModel, TimeProvider time, CancellationToken cancellationToken)
    {
        TerritoryApi.RequireCode(code, http);
        if (TerritoryCode.LevelOf(code) != TerritoryLevel.Grid)
        {
            throw DomainException.Invalid("code", "Patrol figures are kept per grid (15 digits).");
        }

        var (first, last) = Period(from, to, time);
        var row = await readModel.GridStatsAsync(code, Metrics.DayOf(first), Metrics.DayOf(last), cancellationToken);
        return TypedResults.Ok(new GridPatrolStatsView(first, last, row is null ? PatrolGridStatsView.None(code) : PatrolGridStatsView.From(row)));
    }

    /// <summary>One read-model query: the worker's patrols of the period, per grid.</summary>
    public static async Task<Ok<WorkerPatrolStatsView>> WorkerStats(
        string district, string staffId, DateOnly? from, DateOnly? to, HttpContext http, IPatrolReadModel readModel, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
        var caller = http.Caller();
        if (caller.Role == Roles.GridWorker && caller.StaffId != staffId)
        {
            throw DomainException.Forbidden("A grid worker reads only their own patrol figures.");
        }

        var (first, last) = Period(from, to, time);
        var rows = await readModel.WorkerStatsAsync(district, staffId, Metrics.DayOf(first), Metrics.DayOf(last), cancellationToken);
        return TypedResults.Ok(new WorkerPatrolStatsView(
            district, staffId, first, last, rows.Sum(r => r.Patrols), Math.Round(rows.Sum(r => r.DistanceMetres), 1), Math.Round(rows.Sum(r => r.Seconds)),
            rows.Select(PatrolGridStatsView.From).ToArray()));
    }

    private static (DateOnly From, DateOnly To) Period(DateOnly? from, DateOnly? to, TimeProvider time)
    {
        var last = to ?? PointPeriods.DayOf(time.GetUtcNow());
        var first = from ?? last.AddDays(-6);
        if (first > last)
        {
            throw DomainException.Invalid("from", "from is on or before to.");
        }

        return last.DayNumber - first.DayNumber >= MaxDays
            ? throw DomainException.Invalid("to", $"A period is at most {MaxDays} days.")
            : (first, last);
    }

    /// <summary>The caller's staff id: the worker who walks the patrol.</summary>
    private static string Worker(HttpContext http) =>
        http.Caller().StaffId ?? throw DomainException.Forbidden("A patrol is walked by a staff member: this key carries no staff id.");

    private static void RequirePatrol(string id, HttpContext http)
    {
        if (!PatrolIds.IsValid(id))
        {
            throw DomainException.Invalid("id", $"'{id}' is not a patrol id of the form {{district}}-PT{{id}}.");
        }

        http.RequireDistrict(DistrictCode.Of(id), $"Patrol {id}");
    }
}
