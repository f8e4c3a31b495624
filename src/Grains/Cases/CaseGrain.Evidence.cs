using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;

namespace GridGov.Grains.Cases;

/// <summary>
/// The evidence a step carries: the photo URLs and note of a resolve or reject, the reason of an extension asked for
/// or denied. Kept on the case (<see cref="CaseSnapshot.Evidence"/>) and in the history (the event's note).
/// </summary>
internal sealed partial class CaseGrain
{
    public const int MaxPhotos = 9;
    public const int MaxPhotoUrlLength = 2000;
    public const int MaxReasonLength = 1000;

    /// <summary>The step's evidence appended to the case; a step without photos or note adds nothing.</summary>
    private static CaseSnapshot WithEvidence(CaseSnapshot next, string step, CaseAction action, DateTimeOffset now)
    {
        var photos = CheckPhotos(action.Photos);
        if (photos.Count == 0 && string.IsNullOrWhiteSpace(action.Note))
        {
            return next;
        }

        // The version the event of this step gets when it is appended.
        var evidence = new CaseEvidence(next.Version + 1, step, photos, action.Note, action.Actor, now);
        return next with { Evidence = [.. next.Evidence ?? [], evidence] };
    }

    private static IReadOnlyList<string> CheckPhotos(IReadOnlyList<string>? photos) => HttpUrls.Check(
        photos, "photos", MaxPhotos, MaxPhotoUrlLength,
        $"At most {MaxPhotos} photo URLs.", $"Each photo is an absolute http(s) URL of at most {MaxPhotoUrlLength} characters.");

    private static string RequireReason(CaseAction action)
    {
        var reason = action.Reason?.Trim();
        return string.IsNullOrEmpty(reason)
            ? throw DomainException.Invalid("reason", "A reason is required.")
            : reason.Length > MaxReasonLength
                ? throw DomainException.Invalid("reason", $"The reason is at most {MaxReasonLength} characters.")
                : reason;
    }

    private static CaseSnapshot DenyExtension(CaseSnapshot current, CaseAction action)
    {
        var reason = RequireReason(action);
        if (current.ExtensionRequested is null)
        {
            throw DomainException.Conflict("No extension is waiting for approval.");
        }

        return current with { ExtensionRequested = null, ExtensionReason = null, ExtensionDeniedReason = reason };
    }

    /// <summary>The note the action's event keeps: an extension's reason leads it, so the history shows why.</summary>
    private static string? EventNote(CaseAction action) =>
        action.Kind is CaseActionKind.RequestExtension or CaseActionKind.DenyExtension && action.Reason?.Trim() is { Length: > 0 } reason
            ? action.Note is { Length: > 0 } note ? $"{reason} — {note}" : reason
            : action.Note;
}
