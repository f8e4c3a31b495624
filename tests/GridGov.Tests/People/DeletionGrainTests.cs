using System.Collections.Concurrent;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;
using GridGov.Grains.People;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace GridGov.Tests.People;

/// <summary>
/// The read model of the deletion and workflow tests: it carries out a removal (or a household's upsert), then reports a
/// failure for the ids armed in <see cref="LoseNextRemoval"/> (or <see cref="LoseNextUpsert"/>) once — an acknowledgement
/// lost on the way back — so a deletion or a workflow step is interrupted after its side effect.
/// </summary>
internal sealed class LossyPeopleReadModel(IPeopleReadModel inner) : IPeopleReadModel
{
    public static readonly ConcurrentDictionary<string, bool> LoseNextRemoval = new();
    public static readonly ConcurrentDictionary<string, bool> LoseNextUpsert = new();

    public async Task RemoveAsync(RegistryDeletion deletion, CancellationToken cancellationToken)
    {
        await inner.RemoveAsync(deletion, cancellationToken);
        if (LoseNextRemoval.TryRemove(deletion.Id, out _))
        {
            throw new IOException($"The acknowledgement of removing {deletion.Id} was lost.");
        }
    }

    public async Task UpsertHouseholdAsync(HouseholdSnapshot household, CancellationToken cancellationToken)
    {
        await inner.UpsertHouseholdAsync(household, cancellationToken);
        if (LoseNextUpsert.TryRemove(household.Id, out _))
        {
            throw new IOException($"The acknowledgement of writing {household.Id} was lost.");
        }
    }

    public Task<IReadOnlyList<HouseholdSnapshot>> ListHouseholdsAsync(string territory, string? careTag, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListHouseholdsAsync(territory, careTag, after, limit, cancellationToken);

    public Task<IReadOnlyList<string>> FindHouseholdsByIdNumberAsync(string district, string idNumberHash, CancellationToken cancellationToken) =>
        inner.FindHouseholdsByIdNumberAsync(district, idNumberHash, cancellationToken);

    public Task UpsertOrganizationAsync(PartyOrganizationSnapshot organization, long revision, CancellationToken cancellationToken) =>
        inner.UpsertOrganizationAsync(organization, revision, cancellationToken);

    public Task UpsertMemberAsync(PartyMemberSnapshot member, CancellationToken cancellationToken) => inner.UpsertMemberAsync(member, cancellationToken);

    public Task<IReadOnlyList<PartyOrganizationSnapshot>> ListOrganizationsAsync(string partyGridId, IReadOnlyList<string> gridCodes, CancellationToken cancellationToken) =>
        inner.ListOrganizationsAsync(partyGridId, gridCodes, cancellationToken);

    public Task<IReadOnlyList<PartyMemberSnapshot>> ListMembersAsync(IReadOnlyList<string> organizationIds, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListMembersAsync(organizationIds, after, limit, cancellationToken);

    public Task<IReadOnlyList<PartyMemberSnapshot>> ListMobileMembersAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListMobileMembersAsync(organizationId, after, limit, cancellationToken);
}

/// <summary>A two-silo cluster on each database kind, whose silos use <see cref="LossyPeopleReadModel"/>.</summary>
public sealed class DeletionClusters : IAsyncLifetime
{
    private readonly Dictionary<DatabaseKind, (MigratedStore Store, InProcessTestCluster Cluster)> _clusters = [];

    public MigratedStore Store(DatabaseKind kind) => _clusters[kind].Store;

    public IGrainFactory Grains(DatabaseKind kind) => _clusters[kind].Cluster.Client;

    public async Task InitializeAsync()
    {
        foreach (var kind in new[] { DatabaseKind.Sqlite, DatabaseKind.PostgreSql })
        {
            var store = await MigratedStore.CreateAsync(kind);
            var cluster = await GridCluster.StartAsync(kind, store.ConnectionString, configure: silo =>
            {
                var original = silo.Services.Single(d => d.ServiceType == typeof(IPeopleReadModel));
                silo.Services.Remove(original);
                silo.Services.AddSingleton<IPeopleReadModel>(new LossyPeopleReadModel((IPeopleReadModel)original.ImplementationInstance!));
            });
            _clusters[kind] = (store, cluster);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (store, cluster) in _clusters.Values)
        {
            await cluster.DisposeAsync();
            await store.DisposeAsync();
        }
    }
}

/// <summary>Deletions interrupted half-way are finished by the next call, archive once and leave no state behind.</summary>
public sealed class DeletionGrainTests(DeletionClusters clusters) : IClassFixture<DeletionClusters>
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task An_interrupted_household_deletion_is_finished_by_the_next_call(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        var (grains, store) = (clusters.Grains(kind), clusters.Store(kind));
        var d = await DistrictAsync(grains);
        var member = await MemberAsync(grains, d, await BranchAsync(grains, d));
        var household = grains.GetGrain<IHouseholdGrain>($"{d}-H1");
        await household.PutAsync(new HouseholdAddress(Grid(d), null, "1", null, "101"), [], [new Resident($"{d}-R1", "张三", Gender.Male, 1950, "head", ResidenceType.Registered, "hash", "4602**********1234", null, null, ["elderly-alone"])], "test", null);
        await household.LinkMemberAsync(member, "test");

        Assert.Equal(1, await StoredAsync(store, household.GetPrimaryKeyString()));
        LossyPeopleReadModel.LoseNextRemoval[household.GetPrimaryKeyString()] = true;
        await Assert.ThrowsAnyAsync<Exception>(() => household.DeleteAsync("test", null));

        // Decided: gone for readers, and the member (told before the archive) no longer keeps it.
        Assert.Null(await household.GetAsync());
        Assert.Empty((await grains.GetGrain<IPartyMemberGrain>(member).GetAsync())!.Households);

        await FinishedAsync(() => household.DeleteAsync("test", null), $"household {household.GetPrimaryKeyString()}");
        Assert.Equal(1, await ArchivedAsync(store, household.GetPrimaryKeyString()));
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM gridgov_households WHERE id = @id", ("@id", household.GetPrimaryKeyString())));
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM gridgov_residents WHERE household_id = @id", ("@id", household.GetPrimaryKeyString())));
        Assert.Equal(0, await StoredAsync(store, household.GetPrimaryKeyString()));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task An_interrupted_organization_deletion_is_finished_by_the_next_call(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        var (grains, store) = (clusters.Grains(kind), clusters.Store(kind));
        var d = await DistrictAsync(grains);
        var branch = await BranchAsync(grains, d);
        var group = grains.GetGrain<IPartyOrganizationGrain>($"{d}-PO2");
        await group.PutAsync(OrganizationKind.Group, "Group", branch, null, Grid(d), null);
        Assert.Equal(1, (await grains.GetGrain<IPartyOrganizationGrain>(branch).GetAsync())!.Version);

        Assert.Equal(1, await StoredAsync(store, group.GetPrimaryKeyString()));
        LossyPeopleReadModel.LoseNextRemoval[group.GetPrimaryKeyString()] = true;
        await Assert.ThrowsAnyAsync<Exception>(() => group.DeleteAsync("test", 1));

        Assert.Null(await group.GetAsync());
        Assert.Empty((await grains.GetGrain<IPartyOrganizationGrain>(branch).GetAsync())!.Children);
        await FinishedAsync(() => group.DeleteAsync("test", null), $"organization {group.GetPrimaryKeyString()}");
        Assert.Equal(1, await ArchivedAsync(store, group.GetPrimaryKeyString()));
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM gridgov_party_organizations WHERE id = @id", ("@id", group.GetPrimaryKeyString())));
        Assert.Equal(0, await StoredAsync(store, group.GetPrimaryKeyString()));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task A_member_deletion_left_half_way_refuses_links_and_resumes(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        var (grains, store) = (clusters.Grains(kind), clusters.Store(kind));
        var d = await DistrictAsync(grains);
        var branch = await BranchAsync(grains, d);
        var memberId = await MemberAsync(grains, d, branch);
        var member = grains.GetGrain<IPartyMemberGrain>(memberId);
        var kept = grains.GetGrain<IHouseholdGrain>($"{d}-H1");
        var late = grains.GetGrain<IHouseholdGrain>($"{d}-H2");
        foreach (var h in new[] { kept, late })
        {
            await h.PutAsync(new HouseholdAddress(Grid(d), null, "1", null, h.GetPrimaryKeyString()[^1..]), [], [], "test", null);
        }

        await kept.LinkMemberAsync(memberId, "test");
        Assert.Equal(1, await StoredAsync(store, memberId));
        var version = (await member.GetAsync())!.Version;
        var stale = await Assert.ThrowsAsync<DomainException>(() => member.BeginDeleteAsync("test", version - 1));
        Assert.Equal(DomainErrorKind.PreconditionFailed, stale.Kind);

        // The process that began the deletion stops before asking the households.
        Assert.Equal([kept.GetPrimaryKeyString()], await member.BeginDeleteAsync("test", version));
        Assert.Null(await member.GetAsync());
        Assert.Equal(DomainErrorKind.Validation, (await Assert.ThrowsAsync<DomainException>(() => late.LinkMemberAsync(memberId, "test"))).Kind);
        Assert.Null((await late.GetAsync())!.LinkedMemberId);
        Assert.Equal(DomainErrorKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => member.CompleteDeleteAsync())).Kind);
        Assert.Equal(
            DomainErrorKind.Conflict,
            (await Assert.ThrowsAsync<DomainException>(() => member.PutAsync(new PartyMemberProfile("N", null, null, MemberStatus.Full, false, new DateOnly(2000, 1, 1), branch, null), "test", null))).Kind);

        // A repeated DELETE (whatever its If-Match) resumes where it stopped.
        foreach (var h in await member.BeginDeleteAsync("test", version - 1))
        {
            await grains.GetGrain<IHouseholdGrain>(h).ForgetMemberAsync(memberId, "test");
        }

        await member.CompleteDeleteAsync();
        Assert.Null((await kept.GetAsync())!.LinkedMemberId);
        Assert.Empty((await grains.GetGrain<IPartyOrganizationGrain>(branch).GetAsync())!.Members);
        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => member.BeginDeleteAsync("test", null))).Kind);
        Assert.Equal(1, await ArchivedAsync(store, memberId));
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM gridgov_party_members WHERE id = @id", ("@id", memberId)));
        Assert.Equal(0, await StoredAsync(store, memberId));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task A_member_deletion_interrupted_after_its_decision_is_finished_by_its_grain(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        var (grains, store) = (clusters.Grains(kind), clusters.Store(kind));
        var d = await DistrictAsync(grains);
        var branch = await BranchAsync(grains, d);
        var memberId = await MemberAsync(grains, d, branch);
        var household = grains.GetGrain<IHouseholdGrain>($"{d}-H1");
        await household.PutAsync(new HouseholdAddress(Grid(d), null, "1", null, "101"), [], [], "test", null);
        await household.LinkMemberAsync(memberId, "test");

        // The member decides, and the answer is lost: the client sees a failure and goes away, never repeating the DELETE.
        LossyPeopleReadModel.LoseNextRemoval[memberId] = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IMemberDeletionGrain>(memberId).DeleteAsync("test", null));

        await Eventually.MatchesAsync(
            () => StoredAsync(store, memberId), stored => stored == 0, $"the state of member {memberId} to be cleared by its deletion grain (rows with a payload)");
        Assert.Null((await household.GetAsync())!.LinkedMemberId);
        Assert.Contains((await household.GetAsync())!.History, c => c.What == "member-deleted" && c.From == memberId);
        Assert.Empty((await grains.GetGrain<IPartyOrganizationGrain>(branch).GetAsync())!.Members);
        Assert.Equal(1, await ArchivedAsync(store, memberId));
        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => grains.GetGrain<IMemberDeletionGrain>(memberId).DeleteAsync("test", null))).Kind);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task A_resident_move_interrupted_after_the_admission_is_finished_by_its_grain(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        var grains = clusters.Grains(kind);
        var d = await DistrictAsync(grains);
        var (from, to) = (grains.GetGrain<IHouseholdGrain>($"{d}-H1"), grains.GetGrain<IHouseholdGrain>($"{d}-H2"));
        var resident = $"{d}-R1";
        await from.PutAsync(new HouseholdAddress(Grid(d), null, "1", null, "101"), [], [new Resident(resident, "张三", Gender.Male, 1950, "head", ResidenceType.Registered, null, null, null, null, [])], "test", null);
        await to.PutAsync(new HouseholdAddress(Grid(d), null, "1", null, "102"), [], [], "test", null);

        // The destination admits the resident, and the answer is lost: the client goes away before the release.
        LossyPeopleReadModel.LoseNextUpsert[to.GetPrimaryKeyString()] = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IResidentMoveGrain>(resident).MoveAsync(from.GetPrimaryKeyString(), to.GetPrimaryKeyString(), "test"));

        var left = await Eventually.MatchesAsync(
            async () => (await from.GetAsync())!, h => h.Residents.Count == 0, $"household {from.GetPrimaryKeyString()} to release resident {resident} (its residents)");
        Assert.Contains(left.History, c => c.What == "resident-moved-out" && c.To == to.GetPrimaryKeyString());
        var arrived = (await to.GetAsync())!;
        Assert.Equal([resident], arrived.Residents.Select(r => r.Id));
        Assert.Single(arrived.History, c => c.What == "resident-moved-in");
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task Moves_both_ways_between_two_households_at_once_both_finish(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        var grains = clusters.Grains(kind);
        var d = await DistrictAsync(grains);
        var (a, b) = ($"{d}-H1", $"{d}-H2");
        foreach (var (id, resident) in new[] { (a, $"{d}-R1"), (b, $"{d}-R2") })
        {
            await grains.GetGrain<IHouseholdGrain>(id).PutAsync(new HouseholdAddress(Grid(d), null, "1", null, id[^1..]), [], [new Resident(resident, "王五", Gender.Female, 1960, "head", ResidenceType.Registered, null, null, null, null, [])], "test", null);
        }

        await Task.WhenAll(
            grains.GetGrain<IResidentMoveGrain>($"{d}-R1").MoveAsync(a, b, "test"),
            grains.GetGrain<IResidentMoveGrain>($"{d}-R2").MoveAsync(b, a, "test")).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([$"{d}-R2"], (await grains.GetGrain<IHouseholdGrain>(a).GetAsync())!.Residents.Select(r => r.Id));
        Assert.Equal([$"{d}-R1"], (await grains.GetGrain<IHouseholdGrain>(b).GetAsync())!.Residents.Select(r => r.Id));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task Households_members_and_organizations_read_back_from_storage(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        var grains = clusters.Grains(kind);
        var d = await DistrictAsync(grains);
        var branch = await BranchAsync(grains, d);
        var group = grains.GetGrain<IPartyOrganizationGrain>($"{d}-PO2");
        await group.PutAsync(OrganizationKind.Group, "Group", branch, null, Grid(d), null);
        var member = await MemberAsync(grains, d, branch);
        await grains.GetGrain<IPartyMemberGrain>(member).TransferAsync(group.GetPrimaryKeyString(), "test", "moved");
        var household = grains.GetGrain<IHouseholdGrain>($"{d}-H1");
        await household.PutAsync(new HouseholdAddress(Grid(d), null, "1", null, "101"), ["rental"], [new Resident($"{d}-R1", "张三", Gender.Male, 1950, "head", ResidenceType.Registered, null, null, null, null, ["veteran"])], "test", null);
        await household.LinkMemberAsync(member, "test");
        var before = (await household.GetAsync(), await grains.GetGrain<IPartyMemberGrain>(member).GetAsync(), await grains.GetGrain<IPartyOrganizationGrain>(branch).GetAsync(), await group.GetAsync());

        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = (await household.GetAsync(), await grains.GetGrain<IPartyMemberGrain>(member).GetAsync(), await grains.GetGrain<IPartyOrganizationGrain>(branch).GetAsync(), await group.GetAsync());
        Assert.Equal(before.Item1!.History.Select(h => h.What), after.Item1!.History.Select(h => h.What));
        Assert.Equal(member, after.Item1.LinkedMemberId);
        Assert.Equal([household.GetPrimaryKeyString()], after.Item2!.Households);
        Assert.Equal(before.Item2!.History.Select(h => h.What), after.Item2.History.Select(h => h.What));
        Assert.Equal([group.GetPrimaryKeyString()], after.Item3!.Children);
        Assert.Equal([member], after.Item4!.Members);
    }

    private static string Grid(string d) => $"{d}001001001";

    private static async Task<string> DistrictAsync(IGrainFactory grains)
    {
        var d = Fresh.District();
        foreach (var code in new[] { d, $"{d}001", $"{d}001001", Grid(d) })
        {
            await grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(code, null, []), null, false);
        }

        await grains.GetGrain<IPartyGridGrain>($"{d}-PG1").UpsertAsync("PG", [Grid(d)], null);
        return d;
    }

    private static async Task<string> BranchAsync(IGrainFactory grains, string d)
    {
        var id = $"{d}-PO1";
        await grains.GetGrain<IPartyOrganizationGrain>(id).PutAsync(OrganizationKind.Branch, "Branch", null, $"{d}-PG1", null, null);
        return id;
    }

    private static async Task<string> MemberAsync(IGrainFactory grains, string d, string organization)
    {
        var id = $"{d}-M1";
        await grains.GetGrain<IPartyMemberGrain>(id).PutAsync(new PartyMemberProfile("李四", null, null, MemberStatus.Full, false, new DateOnly(2001, 7, 1), organization, null), "test", null);
        return id;
    }

    /// <summary>Repeats the deletion until it answers that there is nothing left to delete.</summary>
    private static Task FinishedAsync(Func<Task> delete, string what) => Eventually.TrueAsync(
        async () =>
        {
            try
            {
                await delete();
                return false;
            }
            catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
            {
                return true;
            }
        },
        $"{what} to be deleted for good");

    private static Task<long> ArchivedAsync(MigratedStore store, string id) =>
        store.ScalarAsync("SELECT COUNT(*) FROM gridgov_people_archive WHERE entity_id = @id", ("@id", id));

    /// <summary>Grain state rows of the entity that still hold a payload.</summary>
    private static Task<long> StoredAsync(MigratedStore store, string id) =>
        store.ScalarAsync("SELECT COUNT(*) FROM orleans_storage WHERE grain_id_extension = @id AND payload IS NOT NULL", ("@id", id));
}
