using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Cameras;

/// <summary>
/// One camera, keyed by its 20-digit national video code, whose first six digits are its district's code. It owns
/// the detection workflow: a detection at or above its label's threshold reports a case (source camera) to the
/// camera's micro-grid or grid, or attaches to the label's open case within the label's window.
/// </summary>
[Alias("gridgov.camera")]
public interface ICameraGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or replaces the camera (If-Match: <paramref name="expectedVersion"/>; 0 creates only).</summary>
    [Alias("put")]
    Task<CameraPut> PutAsync(CameraUpsert camera, long? expectedVersion);

    [ReadOnly, Alias("get")]
    Task<CameraStatus?> GetAsync();

    /// <summary>Deletes the camera and its tallies; false when there is none. Its cases stay.</summary>
    [Alias("delete")]
    Task<bool> DeleteAsync(long? expectedVersion);

    /// <summary>
    /// Takes one detection; a retried detection (same label and time) answers what the first one did. Only a caller
    /// that may report the source camera (a camera system's app key) may post one: else a 403 naming source.
    /// </summary>
    [Alias("detect")]
    Task<DetectionResult> DetectAsync(CameraDetection detection);

    /// <summary>
    /// A case of this camera was decided (rejected, closed or merged), as a false positive or not; counted once per
    /// case. One-way: the case does not wait for the camera, which may itself be waiting for the case (a detection
    /// attaching to it), so the two can never wait for each other.
    /// </summary>
    [OneWay, Alias("case-decided")]
    Task CaseDecidedAsync(string caseId, bool falsePositive);
}

/// <summary>The cameras of one district (keyed by its code), for the list and the map layer; kept by the cameras' grains.</summary>
[Alias("gridgov.camera-registry")]
public interface ICameraRegistryGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>The district's cameras, ordered by code.</summary>
    [ReadOnly, Alias("list")]
    Task<IReadOnlyList<CameraSnapshot>> ListAsync();

    [Alias("note")]
    Task NoteAsync(CameraSnapshot camera);

    [Alias("remove")]
    Task RemoveAsync(string code);
}

/// <summary>
/// A case's part in the detection workflow (implemented by the case's own grain, same key): a repeated detection
/// attaches to it while it is open.
/// </summary>
[Alias("gridgov.case-detections")]
public interface ICaseDetectionsGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Records a <c>detection</c> event and counts it on the case; false (nothing changes) when the case is not open.</summary>
    [Alias("attach-detection")]
    Task<bool> AttachDetectionAsync(CameraDetection detection, string cameraCode, string actor);
}
