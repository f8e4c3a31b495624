using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GridGov.Api.Infrastructure;
using GridGov.Api.Security;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Hosting.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridGov.Api.People;

/// <summary>Mobile Party members (流动党员): marking a member away, their return, and a home organization's list of them.</summary>
internal static class MobilityApi
{
    public static void MapMobileMembers(this RouteGroupBuilder api)
    {
        api.MapPut("/party-members/{id}/mobility", SetMobility).RequireAuthorization(Policies.PartyWrite)
            .WithTags("Party members").WithName("SetPartyMemberMobility").WithSummary("Mark a Party member mobile (流动党员), or say where they are now")
            .WithDescription("The member stays a member of their home organization. City, the organization that holds them there, since when, and a contact phone (stored masked only). Each change is in the member's history. Honours If-Match (412 when stale).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .AuditsPersonalData<PartyMemberView>(m => [$"member:{m.Id}"]);
        api.MapPost("/party-members/{id}/return", Return).RequireAuthorization(Policies.PartyWrite)
            .WithTags("Party members").WithName("ReturnPartyMember").WithSummary("Record a mobile Party member's return")
            .WithDescription("Unmarks the member; the history keeps where they were and when they came back. 409 when the member is not mobile. Honours If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .AuditsPersonalData<PartyMemberView>(m => [$"member:{m.Id}"]);
        api.MapGet("/party-organizations/{id}/mobile-members", ListMobileMembers).RequireAuthorization(Policies.PartyRead)
            .WithTags("Party members").WithName("ListMobileMembers").WithSummary("The mobile members of a Party organization")
            .WithDescription("The organization's own members who are marked mobile, with where they are; by id, paged with cursor and limit.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AuditsPersonalData<PartyMemberPage>(p => p.Items.Select(m => $"member:{m.Id}"));
    }

    public static async Task<Ok<PartyMemberView>> SetMobility(string id, MobilityRequest request, HttpContext http, IClusterClient cluster, AuthSettings auth)
    {
        PeopleApi.RequireId(id, "M", "Party member", http);
        var masked = request.ContactPhone is { } phone ? PersonalNumbers.Phone(auth.PersonalDataKey(), phone, "contactPhone").Masked : null;
        var member = await cluster.GetGrain<IPartyMemberGrain>(id).SetMobilityAsync(
            new MemberMobility(request.City, request.HoldingOrganization, request.Since, masked), http.Caller().Actor, ETags.ExpectedVersion(http.Request));
        ETags.Set(http.Response, member.Version);
        return TypedResults.Ok(PartyMemberView.From(member));
    }

    public static async Task<Ok<PartyMemberView>> Return(string id, ReturnRequest request, HttpContext http, IClusterClient cluster)
    {
        PeopleApi.RequireId(id, "M", "Party member", http);
        var member = await cluster.GetGrain<IPartyMemberGrain>(id).ReturnAsync(request.ReturnedOn, request.Note, http.Caller().Actor, ETags.ExpectedVersion(http.Request));
        ETags.Set(http.Response, member.Version);
        return TypedResults.Ok(PartyMemberView.From(member));
    }

    public static async Task<Ok<PartyMemberPage>> ListMobileMembers(string id, string? cursor, int? limit, HttpContext http, IClusterClient cluster)
    {
        PeopleApi.RequireId(id, "PO", "Party organization", http);
        var take = Paging.Limit(limit);
        var rows = await cluster.GetGrain<IPartyOrganizationGrain>(id).ListMobileMembersAsync(cursor, take + 1)
            ?? throw DomainException.NotFound($"Party organization {id} does not exist.");
        return TypedResults.Ok(new PartyMemberPage(rows.Take(take).Select(PartyMemberView.From).ToArray(), rows.Count > take ? rows[take - 1].Id : null));
    }
}

public sealed record MobilityRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string City,
    [property: Required, StringLength(200, MinimumLength = 1)] string HoldingOrganization,
    [property: JsonRequired] DateOnly Since,
    [property: StringLength(20)] string? ContactPhone = null);

public sealed record ReturnRequest([property: JsonRequired] DateOnly ReturnedOn, [property: StringLength(500)] string? Note = null);

/// <summary>Where a mobile member is, as the API shows it (the contact phone masked).</summary>
public sealed record MobilityView(string City, string HoldingOrganization, DateOnly Since, string? ContactPhoneMasked)
{
    public static MobilityView? From(MemberMobility? m) => m is null ? null : new(m.City, m.HoldingOrganization, m.Since, m.ContactPhoneMasked);
}
