using GridGov.Contracts.People;
using GridGov.Hosting.People;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;

namespace GridGov.Tests.People;

/// <summary>The household rows on both databases: newest version wins, residents follow the household exactly.</summary>
public sealed class PeopleReadModelTests
{
    private static Resident Resident(string id, string? hash) =>
        new(id, "居民", Gender.Female, 1950, "head", ResidenceType.Registered, hash, null, null, null, []);

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task Residents_follow_the_newest_version_of_their_household(DatabaseKind kind)
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var model = new AdoNetPeopleReadModel(store.Kind, store.ConnectionString);
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var address = new HouseholdAddress(grid, null, "1", null, "101");
        HouseholdSnapshot Version(long v, params Resident[] residents) => new($"{d}-H1", address, residents, [], null, [], v);

        await model.UpsertHouseholdAsync(Version(1, Resident($"{d}-R1", "hash-1"), Resident($"{d}-R2", null)), CancellationToken.None);
        Assert.Equal([$"{d}-H1"], await model.FindHouseholdsByIdNumberAsync(d, "hash-1", CancellationToken.None));

        // Version 2 drops R1, keeps R2 with a number now, adds R3.
        await model.UpsertHouseholdAsync(Version(2, Resident($"{d}-R2", "hash-2"), Resident($"{d}-R3", "hash-3")), CancellationToken.None);
        Assert.Empty(await model.FindHouseholdsByIdNumberAsync(d, "hash-1", CancellationToken.None));
        Assert.Equal([$"{d}-H1"], await model.FindHouseholdsByIdNumberAsync(d, "hash-2", CancellationToken.None));
        Assert.Equal([$"{d}-H1"], await model.FindHouseholdsByIdNumberAsync(d, "hash-3", CancellationToken.None));

        // A late version 1 changes nothing.
        await model.UpsertHouseholdAsync(Version(1, Resident($"{d}-R1", "hash-1")), CancellationToken.None);
        Assert.Empty(await model.FindHouseholdsByIdNumberAsync(d, "hash-1", CancellationToken.None));
        Assert.Equal(2, Assert.Single(await model.ListHouseholdsAsync(grid, null, null, 10, CancellationToken.None)).Version);

        // Version 3 has nobody left.
        await model.UpsertHouseholdAsync(Version(3), CancellationToken.None);
        Assert.Empty(await model.FindHouseholdsByIdNumberAsync(d, "hash-3", CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task Households_written_at_once_all_land_and_the_newest_version_of_each_wins(DatabaseKind kind)
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var model = new AdoNetPeopleReadModel(store.Kind, store.ConnectionString);
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var address = new HouseholdAddress(grid, null, "1", null, "101");

        // Fifty households with a resident each, and three versions of one more household, all at the same moment.
        var writes = Enumerable.Range(1, 50)
            .Select(i => new HouseholdSnapshot($"{d}-H{i}", address, [Resident($"{d}-R{i}", $"hash-{i}")], [], null, [], 1))
            .Concat(Enumerable.Range(1, 3).Select(v => new HouseholdSnapshot($"{d}-H99", address, [Resident($"{d}-R99-{v}", $"hash-99-{v}")], [], null, [], v)))
            .Select(h => model.UpsertHouseholdAsync(h, CancellationToken.None));
        await Task.WhenAll(writes);

        var all = await model.ListHouseholdsAsync(grid, null, null, 100, CancellationToken.None);
        Assert.Equal(51, all.Count);
        Assert.Equal(3, all.Single(h => h.Id == $"{d}-H99").Version);
        foreach (var i in new[] { 1, 25, 50 })
        {
            Assert.Equal([$"{d}-H{i}"], await model.FindHouseholdsByIdNumberAsync(d, $"hash-{i}", CancellationToken.None));
        }

        Assert.Equal([$"{d}-H99"], await model.FindHouseholdsByIdNumberAsync(d, "hash-99-3", CancellationToken.None));
        Assert.Empty(await model.FindHouseholdsByIdNumberAsync(d, "hash-99-1", CancellationToken.None));
    }
}
