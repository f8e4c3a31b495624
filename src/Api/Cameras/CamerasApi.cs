using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Cameras;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.Cameras;

/// <summary>
/// The camera registry and AI intake (AI智算案件, docs/resources.md): each handler makes one grain call. A camera's code
/// begins with its district's code, so the district of every call is known from the path.
/// </summary>
public static class CamerasApi
{
    public static void MapCameras(this RouteGroupBuilder api)
    {
        var cameras = api.MapGroup("/cameras").WithTags("Cameras");
        cameras.MapPut("/{code}", PutCamera).RequireAuthorization(Policies.CamerasWrite)
            .WithName("PutCamera").WithSummary("Create or replace a camera of the registry (its 20-digit GB/T 28181 code)")
            .WithDescription("name, lat/lon (placed in a grid and micro-grid by locate), address, and labels: each a detection label, the district category its cases take, a threshold (0–1) and windowMinutes (default 30). Honours If-Match (412 when stale) and If-None-Match: * (create only).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        cameras.MapGet("/{code}", GetCamera).RequireAuthorization(Policies.CamerasRead)
            .WithName("GetCamera").WithSummary("Read a camera with each label's figures and precision")
            .WithDescription("Per label: detections, belowThreshold, cases, attached, decided, falsePositives and precision (cases not rejected as false positives / cases decided). The ETag carries its version.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        cameras.MapDelete("/{code}", DeleteCamera).RequireAuthorization(Policies.CamerasWrite)
            .WithName("DeleteCamera").WithSummary("Delete a camera and its figures; its cases stay")
            .WithDescription("Honours If-Match (412 when stale).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        cameras.MapPost("/{code}/detections", PostDetection).RequireAuthorization(Policies.CameraDetections)
            .WithName("PostCameraDetection").WithSummary("Post a detection (a camera system's app key)")
            .WithDescription("label, confidence (0–1), snapshotUrl and time. At or above the label's threshold it reports a case (source camera) to the camera's micro-grid or grid, or attaches to the label's open case when within windowMinutes of its last detection; below, it is recorded only. A retry (same label and time) answers the first outcome with replayed true. A key of another kind than camera is a 403 naming source.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        var districts = api.MapGroup("/districts/{district}").WithTags("Cameras");
        districts.MapGet("/cameras", ListCameras).RequireAuthorization(Policies.CamerasRead)
            .WithName("ListCameras").WithSummary("The district's cameras, by code (cursor, limit)")
            .WithDescription("Each camera's record and labels, without figures (read one camera for those).")
            .ProducesValidationProblem();
        districts.MapGet("/layers/cameras", GetLayer).RequireAuthorization(Policies.CamerasRead)
            .WithName("GetCameraLayer").WithSummary("The district's cameras as a map layer (GeoJSON points)")
            .WithDescription("A FeatureCollection (application/geo+json) of points; properties: code, name, kind (camera), gridCode, microGridCode, address, labels.")
            .Produces<CameraLayerView>(StatusCodes.Status200OK, "application/geo+json")
            .ProducesValidationProblem();
    }

    public static async Task<Results<Created<CameraView>, Ok<CameraView>>> PutCamera(string code, CameraRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        var expected = ETags.CreateOnly(http.Request) ? 0 : ETags.ExpectedVersion(http.Request);
        var upsert = new CameraUpsert(
            request.Name, request.Lat, request.Lon, request.Address,
            request.Labels.Select((l, i) => l ?? throw DomainException.Invalid($"labels[{i}]", "A label is an object with label, category and threshold."))
                .Select(l => new CameraLabel(l.Label, l.Category, l.Threshold, l.WindowMinutes ?? CameraLabel.DefaultWindowMinutes)).ToArray());
        var put = await cluster.GetGrain<ICameraGrain>(code).PutAsync(upsert, expected);
        ETags.Set(http.Response, put.Camera.Version);
        var view = CameraView.From(new CameraStatus(put.Camera, put.Camera.Labels.Select(l => new CameraLabelTally(l.Label, 0, 0, 0, 0, 0, 0)).ToArray()));
        return put.Created ? TypedResults.Created($"/api/v1/cameras/{code}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<CameraView>, NotFoundProblem>> GetCamera(string code, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        if (await cluster.GetGrain<ICameraGrain>(code).GetAsync() is not { } status)
        {
            return NoSuchCamera(code);
        }

        ETags.Set(http.Response, status.Camera.Version);
        return TypedResults.Ok(CameraView.From(status));
    }

    public static async Task<Results<NoContent, NotFoundProblem>> DeleteCamera(string code, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        return await cluster.GetGrain<ICameraGrain>(code).DeleteAsync(ETags.ExpectedVersion(http.Request))
            ? TypedResults.NoContent()
            : NoSuchCamera(code);
    }

    public static async Task<Ok<DetectionResultView>> PostDetection(string code, CameraDetectionRequest request, HttpContext http, IClusterClient cluster)
    {
        RequireCode(code, http);
        var result = await cluster.GetGrain<ICameraGrain>(code)
            .DetectAsync(new CameraDetection(request.Label.Trim(), request.Confidence, request.SnapshotUrl.Trim(), request.Time));
        return TypedResults.Ok(new DetectionResultView(result.Outcome, result.CaseId, result.Replayed));
    }

    public static async Task<Ok<CameraPage>> ListCameras(string district, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var take = Paging.Limit(limit);
        var cameras = (await cluster.GetGrain<ICameraRegistryGrain>(district).ListAsync())
            .Where(c => cursor is null || string.CompareOrdinal(c.Code, cursor) > 0).Take(take + 1).ToArray();
        return TypedResults.Ok(new CameraPage(
            cameras.Take(take).Select(CameraSummary.From).ToArray(),
            cameras.Length > take ? cameras[take - 1].Code : null));
    }

    public static async Task<JsonHttpResult<CameraLayerView>> GetLayer(string district, HttpContext http, IClusterClient cluster)
    {
        RequireDistrict(district, http);
        var cameras = await cluster.GetGrain<ICameraRegistryGrain>(district).ListAsync();
        var features = cameras.Select(c => new CameraFeatureView(
                "Feature",
                new CameraPointView("Point", [c.Lon, c.Lat]),
                new CameraFeatureProperties(c.Code, c.Name, "camera", c.GridCode, c.MicroGridCode, c.Address, c.Labels.Select(l => l.Label).ToArray())))
            .ToArray();
        return TypedResults.Json(new CameraLayerView("FeatureCollection", features), contentType: "application/geo+json");
    }

    /// <summary>A well-formed camera code of the caller's district (another district's camera does not exist for it).</summary>
    private static void RequireCode(string code, HttpContext http)
    {
        if (CameraCodes.Problem(code) is { } problem)
        {
            throw DomainException.Invalid("code", problem);
        }

        http.RequireDistrict(DistrictCode.Of(code), $"Camera {code}");
    }

    private static void RequireDistrict(string district, HttpContext http)
    {
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            throw DomainException.Invalid("district", "district is a 6-digit district code.");
        }

        http.RequireDistrict(district, $"District {district}");
    }

    private static NotFoundProblem NoSuchCamera(string code) => new($"Camera {code} does not exist.");
}
