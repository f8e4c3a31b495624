using System.Globalization;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Open311;

namespace GridGov.Api.Open311;

/// <summary>
/// GridGov's model as Open311 sees it: categories as services, extra questions as attributes, cases as requests
/// (never with the reporter's name, phone or email), case states as <c>open</c> or <c>closed</c> with notes in the
/// district's language, times in the district's offset.
/// </summary>
public static class Open311Mapping
{
    public const string Open = "open";
    public const string Closed = "closed";

    /// <summary>Reported to resolved (rework included: it returns to dispatched) are open; the rest are closed.</summary>
    public static string Status(CaseState state) => CaseStates.IsOpen(state) ? Open : Closed;

    public static Open311Service Service(Category c) => new(
        c.Code, c.Name, c.Name, c.Questions.Count > 0, "realtime", Keywords(c), Group(c.Class));

    public static Open311ServiceDefinition Definition(Category c) => new(
        c.Code,
        c.Questions.OrderBy(q => q.Order).Select(q => new Open311Attribute(
            true, q.Code, Datatype(q.Datatype), q.Required, q.DatatypeDescription, q.Order, q.Description,
            q.Values.Select(v => new Open311AttributeValue(v.Key, v.Name)).ToArray())).ToArray());

    public static string Datatype(AttributeDatatype datatype) => datatype.ToString().ToLowerInvariant();

    public static Open311Request Request(CaseSnapshot c, Open311Answer answer, bool extensions)
    {
        var category = answer.Categories.FirstOrDefault(k => k.Code == c.Category);
        var settings = answer.Settings;
        Open311Extended? extended = null;
        if (extensions)
        {
            var notes = answer.History?.Select(e => new Open311Note(Time(e.At, settings), e.Note, e.Type)).ToArray();
            extended = new Open311Extended(Camel(c.State.ToString()), c.GridCode, notes);
        }

        var updated = answer.History is { Count: > 0 } history ? history[^1].At : c.UpdatedAt ?? LastKnownChange(c);
        return new Open311Request(
            c.Id, Status(c.State), StatusNotes(c, settings.Language), category?.Name, c.Category, c.Description,
            category?.Department, category is null ? null : Notice(category, settings.Language),
            Time(c.ReportedAt, settings), Time(updated, settings), c.Deadline is { } d ? Time(d, settings) : null,
            c.Address, null, null, c.Lat, c.Lon, c.MediaUrls.FirstOrDefault(), extended);
    }

    public static Open311Created Created(CaseSnapshot c, Open311Answer answer, string? accountId) =>
        new(c.Id, answer.Categories.FirstOrDefault(k => k.Code == c.Category) is { } k ? Notice(k, answer.Settings.Language) : null, accountId);

    /// <summary>ISO 8601 with the district's offset, to the second.</summary>
    public static string Time(DateTimeOffset at, Open311Settings settings) =>
        at.ToOffset(TimeSpan.FromMinutes(settings.UtcOffsetMinutes)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string StatusNotes(CaseSnapshot c, string language)
    {
        var zh = language == "zh";
        return c.State switch
        {
            CaseState.Reported => zh ? "已受理，待立案" : "Received; awaiting filing.",
            CaseState.Filed => zh ? "已立案，待派遣" : "Filed; awaiting dispatch.",
            CaseState.Dispatched when c.Reworks > 0 => zh ? "核查未通过，返工处理中" : "Sent back for rework.",
            CaseState.Dispatched => zh ? "已派遣，待处置人员接收" : "Dispatched to a handler.",
            CaseState.InProgress => zh ? "处置中" : "Being handled.",
            CaseState.Resolved => zh ? "已处置，待核查" : "Handled; awaiting verification.",
            CaseState.Closed => zh ? "已核查结案" : "Verified and closed.",
            CaseState.Evaluated => zh ? "已结案并评价" : "Closed and evaluated.",
            CaseState.Rejected => zh ? "经核实不予立案" : "Not filed: found not to be a valid case.",
            CaseState.Merged => zh ? $"与 {c.MergedInto} 为同一问题，已并入该诉求" : $"A duplicate: merged into request {c.MergedInto}.",
            _ => c.State.ToString(),
        };
    }

    private static string Notice(Category c, string language)
    {
        var hours = c.TimeLimit.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);
        return language == "zh" ? $"派遣后 {hours} 小时内处置（{c.Department}）" : $"Handled within {hours} hours of dispatch by {c.Department}.";
    }

    private static string Keywords(Category c) => string.Join(",", c.Code.Split('.', '-').Where(w => w.Length > 0).Distinct());

    private static string Group(CategoryClass c) => c switch
    {
        CategoryClass.Component => "部件 Components",
        CategoryClass.Event => "事件 Events",
        _ => "网格治理 Governance",
    };

    private static DateTimeOffset LastKnownChange(CaseSnapshot c) =>
        new[] { c.ReportedAt, c.FiledAt, c.DispatchedAt, c.AcceptedAt, c.ClosedAt, c.EvaluatedAt }.Max(t => t ?? c.ReportedAt);

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
