using GridGov.Contracts.Security;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Live;

/// <summary>
/// The reporter of a duplicate hears of the original's end: an app's webhook, which carries only the cases the app
/// reported, also carries the cases its reports were merged into, naming the duplicate among their followers.
/// </summary>
public sealed class FollowerWebhookTests(LiveFixture f, ReceiverFixture r) : IClassFixture<LiveFixture>, IClassFixture<ReceiverFixture>
{
    [Fact]
    public async Task The_original_closing_reaches_the_app_that_reported_the_duplicate()
    {
        using var app = f.Api.CreateClient(await f.Api.CreateKeyAsync(Roles.App, f.Land.District));
        var url = r.Receiver.Hook(Receiver.Mode.Ok);
        await WebhookTests.RegisterAsync(app, f.Land.District, url, f.Land.District, """["merge-received","verified"]""");

        var original = await f.Land.ReportAsync(f.Operator, inB: true);
        var duplicate = await f.Land.ReportAsync(app, inB: true, description: "The same heap", source: "residentApp");
        await Territory.ActAsync(f.Operator, duplicate, "merge", $$"""{"into":"{{original}}"}""");
        await Territory.ActAsync(f.Operator, original, "file");
        await Territory.ActAsync(f.Operator, original, "dispatch", """{"assignee":"w-1"}""");
        await Territory.ActAsync(f.Operator, original, "accept");
        await Territory.ActAsync(f.Operator, original, "resolve", """{"photos":["https://img.example.org/done.jpg"]}""");
        await Territory.ActAsync(f.Operator, original, "verify");

        var got = await Eventually.MatchesAsync(
            () => Task.FromResult(r.Receiver.To(url)),
            rs => rs.Any(x => x.Headers["GridGov-Event"] == "verified" && x.Json.GetProperty("caseId").GetString() == original),
            $"the verified event of the original {original} at the webhook of the app that reported {duplicate}");
        var verified = got.First(x => x.Headers["GridGov-Event"] == "verified" && x.Json.GetProperty("caseId").GetString() == original).Json;
        Assert.Equal("closed", verified.GetProperty("case").GetProperty("state").GetString());
        Assert.Equal([duplicate], verified.GetProperty("case").GetProperty("followerCaseIds").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Contains(got, x => x.Headers["GridGov-Event"] == "merge-received" && x.Json.GetProperty("caseId").GetString() == original);
        // The event names the duplicate only by id: no reporter's name or phone travels with it.
        Assert.All(got, x => Assert.DoesNotContain("13912345678", x.Body, StringComparison.Ordinal));
        Assert.All(got, x => Assert.DoesNotContain("张三", x.Body, StringComparison.Ordinal));
    }
}
