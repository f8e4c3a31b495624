using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cases;

/// <summary>
/// Merging a duplicate into its original: a workflow of two case grains that the duplicate's grain owns. The original
/// accepts first (it refuses unless open, and takes the same duplicate once); the duplicate commits its merge only
/// after that, so a failure between the two leaves the duplicate open and a retried merge completes it.
/// </summary>
internal sealed partial class CaseGrain
{
    private async Task<CaseSnapshot> MergeAsync(CaseSnapshot current, CaseAction action)
    {
        var into = action.Into?.Trim();
        if (!CaseIds.IsValid(into) || into == Id || DistrictCode.Of(into) != DistrictCode.Of(Id))
        {
            throw DomainException.Invalid("into", "into names another case of the same district.");
        }

        // The duplicate's reporter, and those of the duplicates merged into it before, follow the original from now on.
        var now = time.GetUtcNow();
        CaseFollower[] followers =
        [
            new(Id, current.ReporterName, current.ReporterPhoneMasked, current.ReportedBy, now),
            .. current.Followers ?? [],
        ];
        await GrainFactory.GetGrain<ICaseGrain>(into).AcceptMergeAsync(Id, followers, action.Actor);
        return current with { State = CaseState.Merged, MergedInto = into, ClosedAt = now };
    }

    async Task<CaseSnapshot> ICaseGrain.AcceptMergeAsync(string duplicateId, IReadOnlyList<CaseFollower> followers, string actor)
    {
        if ((await LoadAsync()).Current is not { } current)
        {
            throw DomainException.Invalid("into", $"Case {Id} does not exist.");
        }

        var known = (current.Followers ?? []).Select(f => f.CaseId).ToHashSet(StringComparer.Ordinal);
        if (known.Contains(duplicateId))
        {
            // A retried merge whose first attempt was taken here: nothing more to record.
            return current;
        }

        if (!CaseStates.IsOpen(current.State))
        {
            throw DomainException.Conflict(
                $"Case {Id} is {current.State}, no longer open: a duplicate merges only into an open case.", "into");
        }

        var added = followers.Where(f => known.Add(f.CaseId)).ToArray();
        await CommitAsync(current with { Followers = [.. current.Followers ?? [], .. added] }, "merge-received", actor, $"Case {duplicateId} was merged into this case.");
        return Case;
    }

    /// <summary>Any action on a merged duplicate: a 409 that names the case to act on instead.</summary>
    private static DomainException MergedRefusal(CaseSnapshot current, string mergedInto) => new(
        DomainErrorKind.Conflict,
        $"Case {current.Id} was merged into case {mergedInto}; act on {mergedInto} instead.")
    {
        Extensions = new Dictionary<string, string> { ["mergedInto"] = mergedInto },
    };
}
