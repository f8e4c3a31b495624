using GridGov.Contracts.Security;

namespace GridGov.Contracts.Cases;

/// <summary>
/// Which cases a caller may see, within its district: apps only those they reported, grid workers only those dispatched
/// to them, everyone else all. A case a caller may not see does not exist for it (a 404, not a 403, so ids leak nothing).
/// </summary>
public static class CaseVisibility
{
    public static bool Sees(CallerContext caller, CaseSnapshot snapshot) => caller.Role switch
    {
        Roles.App => snapshot.ReportedBy == caller.Subject,
        Roles.GridWorker => snapshot.Assignee is not null && snapshot.Assignee == caller.StaffId,
        _ => true,
    };
}
