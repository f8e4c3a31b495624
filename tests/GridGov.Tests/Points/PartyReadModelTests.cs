using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Hosting.People;
using GridGov.Hosting.Points;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;

namespace GridGov.Tests.Points;

/// <summary>The Party lists that read member rows, on both databases: mobile members, and names on a leaderboard.</summary>
public sealed class PartyReadModelTests
{
    private static PartyMemberSnapshot Member(string id, string name, string organization, bool mobile, long version = 1) =>
        new(id, name, null, MemberStatus.Full, mobile, new DateOnly(2010, 7, 1), organization, null, [], [], version)
        {
            Mobility = mobile ? new MemberMobility("深圳市", "某公司党支部", new DateOnly(2024, 3, 1), null) : null,
        };

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task An_organization_lists_its_mobile_members_and_a_leaderboard_names_its_members(DatabaseKind kind)
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var people = new AdoNetPeopleReadModel(store.Kind, store.ConnectionString);
        var points = new AdoNetPointsReadModel(store.Kind, store.ConnectionString);
        var d = Fresh.District();
        var (branch, other) = ($"{d}-PO1", $"{d}-PO2");
        await people.UpsertMemberAsync(Member($"{d}-M1", "甲", branch, mobile: true), CancellationToken.None);
        await people.UpsertMemberAsync(Member($"{d}-M2", "乙", branch, mobile: false), CancellationToken.None);
        await people.UpsertMemberAsync(Member($"{d}-M3", "丙", branch, mobile: true), CancellationToken.None);
        await people.UpsertMemberAsync(Member($"{d}-M4", "丁", other, mobile: true), CancellationToken.None);
        // M3 came back (a newer version); a late older version does not make them mobile again.
        await people.UpsertMemberAsync(Member($"{d}-M3", "丙", branch, mobile: false, version: 2), CancellationToken.None);
        await people.UpsertMemberAsync(Member($"{d}-M3", "丙", branch, mobile: true, version: 1), CancellationToken.None);

        var mobile = await people.ListMobileMembersAsync(branch, null, 10, CancellationToken.None);
        Assert.Equal([$"{d}-M1"], mobile.Select(m => m.Id));
        Assert.Equal("深圳市", mobile[0].Mobility!.City);

        var day = new DateOnly(2026, 6, 1);
        var scope = new PointScope(branch, branch, null, null);
        PointEntry Entry(long seq, int amount) => new(seq, "r", 1, amount, $"manual:{seq}", "t", DateTimeOffset.UnixEpoch, day, null, null, scope);
        await points.AppendAsync($"{d}-M2", [Entry(1, 5)], CancellationToken.None);
        await points.AppendAsync($"{d}-M1", [Entry(1, 3)], CancellationToken.None);
        await points.AppendAsync($"{d}-M9", [Entry(1, 3)], CancellationToken.None);
        var rows = await points.LeaderboardAsync(d, LeaderboardScope.Branch, branch, 20260601, 20260601, 0, 10, CancellationToken.None);
        // A member whose row is gone (deleted since) keeps their place, without a name.
        Assert.Equal([($"{d}-M2", "乙"), ($"{d}-M1", "甲"), ($"{d}-M9", null)], rows.Select(r => (r.MemberId, r.Name)));
    }
}
