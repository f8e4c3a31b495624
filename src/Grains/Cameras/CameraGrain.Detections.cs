using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GridGov.Contracts.Cameras;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;

namespace GridGov.Grains.Cameras;

/// <summary>
/// The detection workflow (AI智算案件): a detection below its label's threshold is counted only; at or above it, it
/// attaches to the label's open case when it comes within the label's window of that case's last detection, else it
/// reports a new case (source camera) to the camera's micro-grid or grid. The case's id is derived from the camera,
/// label and time, so a detection retried after a failure anywhere on the way makes the same case, not a second one.
/// </summary>
internal sealed partial class CameraGrain
{
    /// <summary>Detections remembered for retries: a camera system retries within minutes, long before this many more.</summary>
    public const int SeenKept = 1000;
    private const int MaxSnapshotUrl = 500;

    public async Task<DetectionResult> DetectAsync(CameraDetection detection)
    {
        // Honest sources in the cluster too: only a camera system's key posts detections.
        var caller = CallerContext.Current()?.Caller;
        if (caller is not null)
        {
            HonestSources.Check(caller, CaseSource.Camera);
        }

        var camera = state.State.Camera ?? throw DomainException.NotFound($"Camera {Code} does not exist.");
        var label = camera.Labels.FirstOrDefault(l => l.Label == detection.Label?.Trim())
            ?? throw DomainException.Invalid("label", $"Camera {Code} produces the labels {string.Join(", ", camera.Labels.Select(l => l.Label))}; not '{detection.Label}'.");
        if (!double.IsFinite(detection.Confidence) || detection.Confidence is < 0 or > 1)
        {
            throw DomainException.Invalid("confidence", "confidence is from 0 to 1.");
        }

        if (!HttpUrls.IsValid(detection.SnapshotUrl, MaxSnapshotUrl))
        {
            throw DomainException.Invalid("snapshotUrl", $"snapshotUrl is an absolute http(s) URL of at most {MaxSnapshotUrl} characters.");
        }

        if (detection.At > time.GetUtcNow().AddMinutes(5))
        {
            throw DomainException.Invalid("time", "time is when the camera saw it: not in the future.");
        }

        var key = $"{label.Label}\n{detection.At.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
        if (state.State.Seen.Find(s => s.Key == key) is { } seen)
        {
            return seen.Result with { Replayed = true };
        }

        var tally = Tally(label.Label);
        tally = tally with { Detections = tally.Detections + 1 };
        DetectionResult result;
        if (detection.Confidence < label.Threshold)
        {
            tally = tally with { BelowThreshold = tally.BelowThreshold + 1 };
            result = new DetectionResult(DetectionOutcome.Recorded, null, false);
        }
        else if (await AttachAsync(label, detection, caller) is { } attachedTo)
        {
            tally = tally with { Attached = tally.Attached + 1 };
            state.State.Open[label.Label] = new OpenDetectionCase(attachedTo.CaseId, attachedTo.LastAt > detection.At ? attachedTo.LastAt : detection.At);
            result = new DetectionResult(DetectionOutcome.Attached, attachedTo.CaseId, false);
        }
        else
        {
            var reported = await ReportAsync(camera, label, detection, caller);
            tally = tally with { Cases = tally.Cases + 1 };
            state.State.Open[label.Label] = new OpenDetectionCase(reported.Id, detection.At);
            state.State.Undecided[reported.Id] = label.Label;
            result = new DetectionResult(DetectionOutcome.Reported, reported.Id, false);
        }

        state.State.Tallies[label.Label] = tally;
        state.State.Seen.Add(new SeenDetection(key, result));
        if (state.State.Seen.Count > SeenKept)
        {
            state.State.Seen.RemoveRange(0, state.State.Seen.Count - SeenKept);
        }

        await state.WriteStateAsync();
        return result;
    }

    async Task ICameraGrain.CaseDecidedAsync(string caseId, bool falsePositive)
    {
        if (!state.State.Undecided.Remove(caseId, out var label))
        {
            return;
        }

        var tally = Tally(label);
        state.State.Tallies[label] = tally with { Decided = tally.Decided + 1, FalsePositives = tally.FalsePositives + (falsePositive ? 1 : 0) };
        if (state.State.Open.TryGetValue(label, out var open) && open.CaseId == caseId)
        {
            // Decided is not open: the next detection of the label makes a new case without asking this one.
            state.State.Open.Remove(label);
        }

        await state.WriteStateAsync();
    }

    /// <summary>The label's open case when the detection comes within its window and the case takes it; else null.</summary>
    private async Task<OpenDetectionCase?> AttachAsync(CameraLabel label, CameraDetection detection, CallerContext? caller)
    {
        if (!state.State.Open.TryGetValue(label.Label, out var open))
        {
            return null;
        }

        if (detection.At - open.LastAt > TimeSpan.FromMinutes(label.WindowMinutes))
        {
            return null;
        }

        var taken = await GrainFactory.GetGrain<ICaseDetectionsGrain>(open.CaseId)
            .AttachDetectionAsync(detection with { Label = label.Label }, Code, caller?.Actor ?? $"camera:{Code}");
        if (!taken)
        {
            // The case closed (or was merged) meanwhile: a new case takes this detection.
            state.State.Open.Remove(label.Label);
            return null;
        }

        return open;
    }

    private Task<CaseSnapshot> ReportAsync(CameraSnapshot camera, CameraLabel label, CameraDetection detection, CallerContext? caller)
    {
        var id = CaseIdFor(label.Label, detection.At);
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{label.Label} detected by camera {camera.Name} ({camera.Code}) at {detection.At:yyyy-MM-ddTHH:mm:ssZ}, confidence {detection.Confidence:0.00}.");
        var report = new NewCase(
            label.Category, description, CaseSource.Camera, camera.CaseGrid, camera.Lat, camera.Lon, camera.Address, null, null, [],
            CasePriority.Normal, new Detection(detection.Confidence, detection.SnapshotUrl, camera.Code), caller?.Subject ?? $"camera:{camera.Code}")
        {
            DetectedAt = detection.At,
        };
        return GrainFactory.GetGrain<ICaseReceptionGrain>(District).ReportAsync(id, report);
    }

    /// <summary>
    /// The id of the case a detection makes, in the form of <see cref="CaseIds"/> (the day and millisecond of the
    /// detection, then 10 characters of a hash of camera, label and time), so the same detection always names the same case.
    /// </summary>
    private string CaseIdFor(string label, DateTimeOffset at)
    {
        const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var utc = at.UtcDateTime;
        var millisecond = (long)utc.TimeOfDay.TotalMilliseconds;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Code}\n{label}\n{at.UtcTicks.ToString(CultureInfo.InvariantCulture)}"));
        var unique = new char[16];
        for (var i = 0; i < 6; i++)
        {
            unique[i] = Alphabet[(int)(millisecond >> (5 * (5 - i))) & 31];
        }

        for (var i = 0; i < 10; i++)
        {
            unique[6 + i] = Alphabet[hash[i] & 31];
        }

        return $"{District}-{utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{new string(unique)}";
    }
}
