using System.Globalization;
using GridGov.Contracts.Cameras;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Cases;

/// <summary>
/// A camera's case (AI智算案件, docs/resources.md): repeated detections attach to it while it is open, a rejection with
/// the reason <c>falsePositive</c> marks it, and its camera is told when it is decided, for the label's precision.
/// </summary>
internal sealed partial class CaseGrain : ICaseDetectionsGrain
{
    /// <summary>The reason of a rejection that says the camera's detection was wrong.</summary>
    public const string FalsePositiveReason = "falsePositive";

    async Task<bool> ICaseDetectionsGrain.AttachDetectionAsync(CameraDetection detection, string cameraCode, string actor)
    {
        await LoadAsync();
        var current = Case;
        if (!CaseStates.IsOpen(current.State) || current.MergedInto is not null)
        {
            return false;
        }

        var next = current with
        {
            Detections = (current.Detections ?? 1) + 1,
            LastDetectedAt = current.LastDetectedAt is { } last && last > detection.At ? last : detection.At,
        };
        var note = string.Create(
            CultureInfo.InvariantCulture,
            $"{detection.Label} seen again by camera {cameraCode} at {detection.At:yyyy-MM-ddTHH:mm:ssZ} (confidence {detection.Confidence:0.00}): {detection.SnapshotUrl}");
        await CommitAsync(next, "detection", actor, note);
        return true;
    }

    /// <summary>A rejection; with the reason falsePositive it marks the case so (any other reason is kept as its note).</summary>
    private static CaseSnapshot Rejected(CaseSnapshot current, CaseAction action) =>
        current with
        {
            State = CaseState.Rejected,
            FalsePositive = string.Equals(action.Reason?.Trim(), FalsePositiveReason, StringComparison.Ordinal) ? true : current.FalsePositive,
        };

    /// <summary>
    /// Tells the camera that reported the case that it was decided: rejected (a false positive or not), closed after
    /// verification, or merged into another case (the same problem, so not a false detection). Best effort after the
    /// case's own write, and one-way (see <see cref="ICameraGrain.CaseDecidedAsync"/>): a camera that cannot be told
    /// misses one case in its precision, and a failure to send is logged.
    /// </summary>
    private async Task TellCameraAsync(CaseSnapshot decided, string type)
    {
        if (type is not ("rejected" or "verified" or "merged") || decided.Detection?.CameraCode is not { } camera
            || !CameraCodes.IsValid(camera) || DistrictCode.Of(camera) != DistrictCode.Of(Id))
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<ICameraGrain>(camera).CaseDecidedAsync(Id, decided.FalsePositive == true);
        }
        catch (Exception e)
        {
            LogCameraNotTold(logger, e, Id, camera);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId} could not tell camera {Camera} that it was decided; the camera's precision misses it")]
    private static partial void LogCameraNotTold(ILogger logger, Exception exception, string caseId, string camera);
}
