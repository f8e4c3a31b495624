using GridGov.Contracts.Security;

namespace GridGov.Api.Security;

/// <summary>
/// What each role may do. Every endpoint names one of these policies; docs/security.md shows the same table.
/// </summary>
public static class Policies
{
    public const string TerritoryRead = "territory.read";
    public const string TerritoryWrite = "territory.write";
    public const string Locate = "locate";
    public const string PartyGridRead = "party-grid.read";
    public const string PartyGridWrite = "party-grid.write";
    public const string ApiKeys = "api-keys";
    public const string Audit = "audit";
    public const string CategoriesRead = "categories.read";
    public const string CategoriesWrite = "categories.write";
    public const string CaseReport = "cases.report";
    public const string CaseRead = "cases.read";
    public const string CaseList = "cases.list";
    public const string CaseSupervise = "cases.supervise";
    public const string CaseHandle = "cases.handle";
    public const string CaseEvaluate = "cases.evaluate";
    public const string PeopleRead = "people.read";
    public const string PeopleWrite = "people.write";
    public const string PartyRead = "party.read";
    public const string PartyWrite = "party.write";
    public const string PointsRead = "points.read";
    public const string PointsManage = "points.manage";
    public const string IndicatorsRead = "indicators.read";
    public const string IndicatorsRecount = "indicators.recount";
    public const string HandlerIndicators = "indicators.handler";
    public const string Caller = "caller";
    public const string LiveEvents = "live.events";
    public const string Webhooks = "webhooks";
    public const string Dashboard = "dashboard";
    public const string Metrics = "metrics";
    public const string Cluster = "cluster";
    public const string VillageWrite = "villages.write";
    public const string DecisionRead = "decisions.read";
    public const string DecisionWrite = "decisions.write";
    public const string DecisionObject = "decisions.object";
    public const string EnterpriseRead = "enterprises.read";
    public const string EnterpriseWrite = "enterprises.write";
    public const string CamerasRead = "cameras.read";
    public const string CamerasWrite = "cameras.write";
    public const string CameraDetections = "cameras.detections";
    public const string PatrolWalk = "patrols.walk";
    public const string PatrolRead = "patrols.read";

    private static readonly string[] Staff = [Roles.Operator, Roles.DistrictAdmin, Roles.CommandCentre, Roles.GridWorker, Roles.PartySecretary];
    private static readonly string[] Admins = [Roles.Operator, Roles.DistrictAdmin];
    private static readonly string[] Supervisors = [Roles.Operator, Roles.DistrictAdmin, Roles.CommandCentre];

    public static readonly IReadOnlyDictionary<string, string[]> AllowedRoles = new Dictionary<string, string[]>
    {
        [TerritoryRead] = Staff,
        [TerritoryWrite] = Admins,
        [Locate] = [.. Staff, Roles.App],
        [PartyGridRead] = Staff,
        [PartyGridWrite] = Admins,
        [ApiKeys] = Admins,
        [Audit] = Admins,
        [CategoriesRead] = [.. Staff, Roles.App],
        [CategoriesWrite] = Admins,
        [CaseReport] = [.. Staff, Roles.App],
        // Apps read only the cases they reported, grid workers only those dispatched to them (checked per case).
        [CaseRead] = [.. Staff, Roles.App],
        [CaseList] = [.. Supervisors, Roles.GridWorker],
        [CaseSupervise] = Supervisors,
        [CaseHandle] = [.. Supervisors, Roles.GridWorker],
        [CaseEvaluate] = [.. Supervisors, Roles.App],
        // Grid workers reach only the households of grids whose staff they are (checked per household).
        [PeopleRead] = Staff,
        [PeopleWrite] = [.. Admins, Roles.GridWorker],
        [PartyRead] = Staff,
        [PartyWrite] = [.. Admins, Roles.PartySecretary],
        // Point rules, manual grants and corrections: the district's administrators; visits and meetings are PartyWrite.
        [PointsRead] = Staff,
        [PointsManage] = Admins,
        [IndicatorsRead] = [.. Staff, Roles.Viewer],
        [IndicatorsRecount] = Admins,
        // Grid workers read only their own (checked per request).
        [HandlerIndicators] = [.. Supervisors, Roles.GridWorker, Roles.Viewer],
        // Any valid key may ask what it is (its role and scope), e.g. to choose the district a page shows.
        [Caller] = [.. Roles.All],
        // Apps receive only the events of the cases they reported (filtered per event).
        [LiveEvents] = [.. Staff, Roles.App],
        // District admins manage every webhook of their district; an app registers and manages its own.
        [Webhooks] = [.. Admins, Roles.App],
        // The Orleans Dashboard shows the whole cluster, every district's grains included.
        [Dashboard] = [Roles.Operator],
        // Metrics span every district: operators only (or the plain Telemetry:MetricsPort inside the cluster's network).
        [Metrics] = [Roles.Operator],
        // The cluster's silos and activations describe every district at once: operators only.
        [Cluster] = [Roles.Operator],
        // Village decisions (docs/party.md): the public board needs no key; a resident app's key files objections.
        [VillageWrite] = [.. Admins, Roles.PartySecretary],
        [DecisionRead] = Staff,
        [DecisionWrite] = [.. Admins, Roles.PartySecretary],
        [DecisionObject] = [.. Staff, Roles.App],
        // The enterprise registry (社区+企业): kept by the district's administrators, read by its staff.
        [EnterpriseRead] = Staff,
        [EnterpriseWrite] = Admins,
        // Cameras and AI intake (docs/resources.md): detections come from app keys, and only a camera system's key
        // (app kind camera) gets past the honest-sources check in the camera's grain.
        [CamerasRead] = Staff,
        [CamerasWrite] = Admins,
        [CameraDetections] = [Roles.App],
        // A patrol is walked by a grid worker (the key's staff id); grid workers read only their own patrols and figures.
        [PatrolWalk] = [Roles.GridWorker],
        [PatrolRead] = [.. Supervisors, Roles.GridWorker],
    };
}
