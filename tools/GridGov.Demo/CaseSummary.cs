using System.Globalization;

namespace GridGov.Demo;

/// <summary>The month of cases in numbers: as planned (before loading, and by --dry-run) and as the API answered.</summary>
internal static class CaseSummary
{
    private static readonly string[] States = ["reported", "filed", "rejected", "dispatched", "inProgress", "resolved", "closed", "evaluated", "merged"];

    public static IEnumerable<string> Planned(IReadOnlyList<CasePlan> cases)
    {
        if (cases.Count == 0)
        {
            yield break;
        }

        yield return $"cases: {cases.Count} over {cases.Select(c => c.Day).Distinct().Count()} days of the month in {cases.Select(c => c.GridCode).Distinct().Count()} grids; "
            + string.Join(", ", States.Select(s => $"{s} {cases.Count(c => c.FinalState == s)}"));
        yield return $"  {cases.Count(c => c.TwoHourTier)} left open in the 2-hour tier (overdue 2 h after the load), "
            + $"{cases.Count(c => c.Escalations > 0)} escalated, {cases.Count(c => c.MergeInto is not null)} merged into an earlier report, "
            + $"{cases.Count(c => c.Reworked)} reworked, {cases.Count(c => c.Returned)} returned and re-dispatched, "
            + $"{cases.Count(c => c.Steps.Any(s => s.Action == "request-extension"))} asked for an extension ({cases.Count(c => c.Steps.Any(s => s.Action == "approve-extension"))} approved, {cases.Count(c => c.Steps.Any(s => s.Action == "deny-extension"))} denied), "
            + $"{cases.Count(c => c.Steps.Any(s => s.Action == "dispatch" && s.Body.Assignee!.StartsWith("department:", StringComparison.Ordinal)))} dispatched to a department, "
            + $"{cases.Count(c => c.Satisfaction is not null)} rated";
        yield return "  sources: " + string.Join(", ", cases.GroupBy(c => c.Source).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
    }

    public static IEnumerable<string> Loaded(IReadOnlyList<CasePlan> cases, IReadOnlyDictionary<int, CaseView> final)
    {
        var views = final.Values.ToArray();
        yield return $"cases as the API answered ({views.Length} of {cases.Count}): "
            + string.Join(", ", States.Select(s => $"{s} {views.Count(v => v.State == s)}"));
        var rated = views.Where(v => v.Satisfaction is not null).ToArray();
        yield return string.Create(CultureInfo.InvariantCulture,
            $"  handled above the grid (escalated) {views.Count(v => v.HandledAt is not ("grid" or "microGrid"))}, merged {views.Count(v => v.MergedInto is not null)}, "
            + $"reworked {views.Count(v => v.Reworks > 0)}, extended {views.Count(v => v.Extensions > 0)}, "
            + $"with a department {views.Count(v => v.Assignee?.StartsWith("department:", StringComparison.Ordinal) == true)}, "
            + $"rated {rated.Length}{(rated.Length > 0 ? $" (mean satisfaction {rated.Average(v => v.Satisfaction!.Value):0.0} of 5)" : "")}, "
            + $"overdue now {views.Count(v => v.Overdue)}");
        var twoHour = views.Where(v => v.State is "dispatched" or "inProgress" && CasePlans.TwoHourCategories.Contains(v.Category) && v.Deadline is not null).ToArray();
        if (twoHour.Length > 0)
        {
            var first = twoHour.Min(v => v.Deadline!.Value);
            var last = twoHour.Max(v => v.Deadline!.Value);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {twoHour.Length} open cases of the 2-hour tier: warned from about {first.AddMinutes(-24).ToLocalTime():HH:mm}, overdue (and escalated by the platform) from {first.ToLocalTime():HH:mm} to {last.ToLocalTime():HH:mm} local time");
        }
    }
}
