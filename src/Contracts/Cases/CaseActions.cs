namespace GridGov.Contracts.Cases;

/// <summary>The names of case actions as they appear in the API's paths.</summary>
public static class CaseActions
{
    /// <summary>The action's name in the API path (<c>request-extension</c>).</summary>
    public static string Name(CaseActionKind kind) => kind switch
    {
        CaseActionKind.RequestExtension => "request-extension",
        CaseActionKind.ApproveExtension => "approve-extension",
        CaseActionKind.DenyExtension => "deny-extension",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static CaseActionKind? Parse(string name) =>
        Enum.GetValues<CaseActionKind>().Cast<CaseActionKind?>().FirstOrDefault(k => Name(k!.Value) == name);
}
