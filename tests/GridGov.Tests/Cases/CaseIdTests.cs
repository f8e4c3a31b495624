using GridGov.Contracts.Cases;

namespace GridGov.Tests.Cases;

/// <summary>Case ids sort in report order within a district's day, and ids of the earlier form stay valid.</summary>
public sealed class CaseIdTests
{
    [Fact]
    public void Ids_of_a_day_sort_in_report_order_and_are_unique()
    {
        var day = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        var times = new[] { 0, 1, 2, 999, 1_000, 59_999, 3_600_000, 43_200_001, 86_399_999 }.Select(ms => day.AddMilliseconds(ms)).ToArray();

        var ids = times.Select(t => CaseIds.New("110105", t)).ToArray();

        Assert.All(ids, id => Assert.True(CaseIds.IsValid(id), id));
        Assert.All(ids, id => Assert.StartsWith("110105-20261127-", id, StringComparison.Ordinal));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        var sameMillisecond = Enumerable.Range(0, 1_000).Select(_ => CaseIds.New("110105", times[3])).ToArray();
        Assert.Equal(sameMillisecond.Length, sameMillisecond.Distinct().Count());
    }

    [Theory]
    [InlineData("110105-20261126-7KQ2M9XDRT", true)]
    [InlineData("110105-20261127-0A1B2C7KQ2M9XDRT", true)]
    [InlineData("110105-20261127-0A1B2C7KQ2M9XDRU", false)]
    [InlineData("110105-20261327-0A1B2C7KQ2M9XDRT", false)]
    public void Earlier_and_current_ids_are_valid(string id, bool valid) => Assert.Equal(valid, CaseIds.IsValid(id));
}
