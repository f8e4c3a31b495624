using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Points;

[GenerateSerializer, Alias("gridgov.party-meetings-state")]
internal sealed class PartyMeetingsState
{
    [Id(0)] public List<PartyMeeting> Meetings { get; set; } = [];
}

/// <summary>
/// An organization's meetings. A meeting is written first (not yet granted), then each attendee's ledger pays the
/// meeting rules, then the meeting is marked granted; a meeting left half-granted (the silo stopped) is finished on the
/// next activation, and the ledgers pay each (rule, meeting) once however often they are asked.
/// </summary>
internal sealed partial class PartyMeetingsGrain(
    [PersistentState("party-meetings", ProviderNames.MainStorage)] IPersistentState<PartyMeetingsState> state,
    PointRuleCache rules,
    TimeProvider time,
    ILogger<PartyMeetingsGrain> logger) : Grain, IPartyMeetingsGrain
{
    private const int MaxAttendance = 500;
    private const int MaxMeetings = 5_000;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var meeting in state.State.Meetings.Where(m => !m.Granted).ToArray())
        {
            try
            {
                await GrantAsync(meeting);
            }
            catch (Exception e)
            {
                LogGrantsPending(logger, e, meeting.Id);
            }
        }
    }

    async Task<PartyMeeting> IPartyMeetingsGrain.RecordAsync(DateOnly date, string topic, IReadOnlyList<string> attendance, string actor)
    {
        if (string.IsNullOrWhiteSpace(topic) || topic.Trim().Length > 200)
        {
            throw DomainException.Invalid("topic", "topic is 1 to 200 characters.");
        }

        var today = PointPeriods.DayOf(time.GetUtcNow());
        if (date > today || date < today.AddYears(-1))
        {
            throw DomainException.Invalid("date", "A meeting's date is within the last year, and not after today.");
        }

        if (attendance.Count is 0 or > MaxAttendance)
        {
            throw DomainException.Invalid("attendance", $"attendance lists 1 to {MaxAttendance} members.");
        }

        if (state.State.Meetings.Count >= MaxMeetings)
        {
            throw DomainException.Conflict($"Party organization {Id} has {MaxMeetings} meetings recorded, the most it keeps.");
        }

        var organization = await GrainFactory.GetGrain<IPartyOrganizationGrain>(Id).GetAsync()
            ?? throw DomainException.NotFound($"Party organization {Id} does not exist.");
        for (var i = 0; i < attendance.Count; i++)
        {
            if (!PeopleIds.IsValid(attendance[i], "M"))
            {
                throw DomainException.Invalid($"attendance[{i}]", $"'{attendance[i]}' is not a Party member id.");
            }

            if (!organization.Members.Contains(attendance[i]))
            {
                throw DomainException.Conflict($"Party member {attendance[i]} is not a member of {Id}: only its members attend its meeting.", $"attendance[{i}]");
            }
        }

        var meeting = new PartyMeeting(
            $"{Id}-MT{state.State.Meetings.Count + 1}", Id, date, topic.Trim(), attendance.Distinct(StringComparer.Ordinal).ToArray(), actor, time.GetUtcNow(), false);
        state.State.Meetings.Add(meeting);
        await state.WriteStateAsync();
        return await GrantAsync(meeting);
    }

    Task<IReadOnlyList<PartyMeeting>> IPartyMeetingsGrain.ListAsync() => Task.FromResult<IReadOnlyList<PartyMeeting>>(state.State.Meetings.ToArray());

    private async Task<PartyMeeting> GrantAsync(PartyMeeting meeting)
    {
        var set = await rules.GetAsync(GrainFactory, DistrictCode.Of(Id));
        var codes = set.CodesOf(PointTrigger.MeetingAttended).Where(c => set.InForce(c, meeting.Date) is not null).ToArray();
        var grid = (await GrainFactory.GetGrain<IPartyOrganizationGrain>(Id).GetAsync())?.GridCode;
        await Task.WhenAll(meeting.Attendance.Select(async member =>
        {
            foreach (var code in codes)
            {
                try
                {
                    await GrainFactory.GetGrain<IPointsLedgerGrain>(member).GrantAsync(
                        new PointGrant(code, PointTrigger.MeetingAttended, $"meeting:{meeting.Id}", meeting.Date, meeting.RecordedBy, null, grid));
                }
                catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
                {
                    // The member was deleted since: nothing to pay.
                }
            }
        }));

        var granted = meeting with { Granted = true };
        var index = state.State.Meetings.FindIndex(m => m.Id == meeting.Id);
        state.State.Meetings[index] = granted;
        await state.WriteStateAsync();
        return granted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meeting {Meeting}'s points are not all granted yet; they are retried on the organization's next activation")]
    private static partial void LogGrantsPending(ILogger logger, Exception exception, string meeting);
}
