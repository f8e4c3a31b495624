using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using static GridGov.Tests.Cases.CaseLoopLand;

namespace GridGov.Tests.Cases;

/// <summary>What the steps carry: photos and notes of resolve and reject, the evaluation's comment, extension reasons.</summary>
[Collection(ApiCollection.Name)]
public sealed class EvidenceTests(ApiFactory api)
{
    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task Resolve_and_evaluate_keep_their_evidence_and_comment_in_the_view_and_the_history()
    {
        var land = await OfAsync(api);
        var id = Id(await ReportAsync(land.App, land.Report(0.05, 0.04, "event.advertising", source: "residentApp")));
        await ActAsync(land.CommandCentre, id, "file");
        await ActAsync(land.CommandCentre, id, "dispatch", """{"assignee":"w-1"}""");
        await ActAsync(land.Worker, id, "accept");

        var tooMany = string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"https://img.example.org/{i}.jpg\""));
        await ActAsync(land.Worker, id, "resolve", $$"""{"photos":[{{tooMany}}]}""", HttpStatusCode.BadRequest, "photos");
        await ActAsync(land.Worker, id, "resolve", """{"photos":["https://img.example.org/a.jpg","ftp://img.example.org/b.jpg"]}""", HttpStatusCode.BadRequest, "photos[1]");
        await ActAsync(land.Worker, id, "resolve", $$"""{"photos":["https://img.example.org/{{new string('a', 2000)}}.jpg"]}""", HttpStatusCode.BadRequest, "photos[0]");

        var resolved = await ActAsync(land.Worker, id, "resolve", """{"photos":["https://img.example.org/after-1.jpg","http://img.example.org/after-2.jpg"],"note":"Cleared; the posters are gone"}""");
        var evidence = Assert.Single(resolved.GetProperty("evidence").EnumerateArray());
        Assert.Equal(("resolved", "Cleared; the posters are gone", "w-1"), (evidence.GetProperty("step").GetString(), evidence.GetProperty("note").GetString(), evidence.GetProperty("actor").GetString()));
        Assert.Equal(["https://img.example.org/after-1.jpg", "http://img.example.org/after-2.jpg"], Strings(evidence.GetProperty("photos")));
        Assert.Equal(resolved.GetProperty("version").GetInt64(), evidence.GetProperty("version").GetInt64());

        await ActAsync(land.CommandCentre, id, "verify");
        var evaluated = await ActAsync(land.App, id, "evaluate", """{"satisfaction":4,"resolved":true,"comment":"快，但海报又贴了一张"}""");
        Assert.Equal("快，但海报又贴了一张", evaluated.GetProperty("evaluationComment").GetString());
        Assert.Equal("快，但海报又贴了一张", (await (await land.CommandCentre.GetAsync($"/api/v1/cases/{id}")).AssertOkAsync()).GetProperty("evaluationComment").GetString());

        var events = (await (await land.CommandCentre.GetAsync($"/api/v1/cases/{id}/history")).AssertOkAsync()).GetProperty("events").EnumerateArray().ToArray();
        var resolvedEvent = Assert.Single(events, e => e.GetProperty("type").GetString() == "resolved");
        Assert.Equal("Cleared; the posters are gone", resolvedEvent.GetProperty("note").GetString());
        Assert.Equal(2, resolvedEvent.GetProperty("photos").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, Assert.Single(events, e => e.GetProperty("type").GetString() == "verified").GetProperty("photos").ValueKind);
    }

    [Fact]
    public async Task A_rejection_carries_photos_and_a_note()
    {
        var land = await OfAsync(api);
        var id = Id(await ReportAsync(land.CommandCentre, land.Report(0.05, 0.05, "event.advertising")));

        var rejected = await ActAsync(land.CommandCentre, id, "reject", """{"photos":["https://img.example.org/site.jpg"],"note":"Nothing there on arrival"}""");

        var evidence = Assert.Single(rejected.GetProperty("evidence").EnumerateArray());
        Assert.Equal(("rejected", "Nothing there on arrival"), (evidence.GetProperty("step").GetString(), evidence.GetProperty("note").GetString()));
        Assert.Equal(["https://img.example.org/site.jpg"], Strings(evidence.GetProperty("photos")));
    }

    [Fact]
    public async Task An_extension_needs_a_reason_and_can_be_denied_with_one()
    {
        var land = await OfAsync(api);
        var id = Id(await ReportAsync(land.CommandCentre, land.Report(0.05, 0.06, "event.advertising")));
        await ActAsync(land.CommandCentre, id, "file");
        var dispatched = await ActAsync(land.CommandCentre, id, "dispatch", """{"assignee":"w-1"}""");

        await ActAsync(land.Worker, id, "request-extension", """{"hours":24}""", HttpStatusCode.BadRequest, "reason");
        await ActAsync(land.Worker, id, "request-extension", """{"hours":24,"reason":"  "}""", HttpStatusCode.BadRequest, "reason");
        var asked = await ActAsync(land.Worker, id, "request-extension", """{"hours":24,"reason":"The wall's owner is away until Monday"}""");
        Assert.Equal((24, "The wall's owner is away until Monday"), (asked.GetProperty("extensionRequestedHours").GetInt32(), asked.GetProperty("extensionReason").GetString()));

        await ActAsync(land.Worker, id, "deny-extension", """{"reason":"no"}""", HttpStatusCode.Forbidden);
        await ActAsync(land.CommandCentre, id, "deny-extension", "{}", HttpStatusCode.BadRequest, "reason");
        var denied = await ActAsync(land.CommandCentre, id, "deny-extension", """{"reason":"Ask the community office for the key instead"}""");
        Assert.Equal(JsonValueKind.Null, denied.GetProperty("extensionRequestedHours").ValueKind);
        Assert.Equal(JsonValueKind.Null, denied.GetProperty("extensionReason").ValueKind);
        Assert.Equal("Ask the community office for the key instead", denied.GetProperty("extensionDeniedReason").GetString());
        Assert.Equal(dispatched.GetProperty("deadline").GetDateTimeOffset(), denied.GetProperty("deadline").GetDateTimeOffset());
        await ActAsync(land.CommandCentre, id, "approve-extension", expected: HttpStatusCode.Conflict);
        await ActAsync(land.CommandCentre, id, "deny-extension", """{"reason":"again"}""", HttpStatusCode.Conflict);

        var events = (await (await land.CommandCentre.GetAsync($"/api/v1/cases/{id}/history")).AssertOkAsync()).GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal("The wall's owner is away until Monday", Assert.Single(events, e => e.GetProperty("type").GetString() == "extension-requested").GetProperty("note").GetString());
        Assert.Equal("Ask the community office for the key instead", Assert.Single(events, e => e.GetProperty("type").GetString() == "extension-denied").GetProperty("note").GetString());
    }
}
