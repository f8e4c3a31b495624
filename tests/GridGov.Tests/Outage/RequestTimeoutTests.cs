using System.Diagnostics;
using System.Net;
using GridGov.Api.Infrastructure;
using GridGov.Contracts.Cases;
using GridGov.Hosting;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Outage;

/// <summary>A request that waits on something that never answers ends at the request timeout as a 503 problem with Retry-After.</summary>
public sealed class RequestTimeoutTests
{
    [Fact]
    public async Task A_request_stuck_past_the_timeout_is_a_503_with_retry_after()
    {
        var key = "bootstrap-" + Guid.NewGuid().ToString("N");
        await using var api = new ApiFactory(Fresh.TempFolder(), new Dictionary<string, string?>
        {
            ["GridGov:RequestTimeout"] = "00:00:01",
            ["GridGov:Auth:BootstrapApiKey"] = key,
        });
        await using var stuck = api.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ICaseReadModel, NeverAnsweringReadModel>()));
        using var client = stuck.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync($"/api/v1/cases?territory={Fresh.District()}");
        var took = clock.Elapsed;

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.InRange(took, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        // Liveness is not held up by the stuck reads.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Theory]
    [InlineData("", 30)]
    [InlineData("00:00:05", 5)]
    [InlineData("00:02:00", 120)]
    public void The_timeout_is_configurable(string value, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RequestTimeouts.Parse(value));

    [Theory]
    [InlineData("0")]
    [InlineData("00:00:00.5")]
    [InlineData("soon")]
    [InlineData("01:00:00")]
    public void A_wrong_timeout_names_the_setting(string value) =>
        Assert.Contains("GridGov:RequestTimeout", Assert.Throws<GridGovConfigurationException>(() => RequestTimeouts.Parse(value)).Message, StringComparison.Ordinal);

    /// <summary>A read model whose queries wait until cancelled, as on a database that accepts connections but never answers.</summary>
    private sealed class NeverAnsweringReadModel : ICaseReadModel
    {
        public Task ProjectAsync(IReadOnlyCollection<CaseSnapshot> cases, IReadOnlyCollection<CaseEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<CaseSnapshot>> CasesOfNodeAsync(string code, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<CaseSnapshot>>([]);

        public IAsyncEnumerable<CaseSnapshot> CasesUnderAsync(string code, CancellationToken cancellationToken) => AsyncEnumerable.Empty<CaseSnapshot>();

        public IAsyncEnumerable<CaseSnapshot> CasesAssignedAsync(string district, string assignee, CancellationToken cancellationToken) => AsyncEnumerable.Empty<CaseSnapshot>();

        public Task RecordDeparturesAsync(IReadOnlyCollection<CaseDeparture> departures, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<CaseDeparture>> DeparturesUnderAsync(string code, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<CaseDeparture>>([]);

        public async Task<IReadOnlyList<CaseSnapshot>> EscalatedAsync(
            string territory, GridGov.Contracts.Territory.TerritoryLevel level, (DateTimeOffset EscalatedAt, string Id)? after, int limit, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }

        public async Task<IReadOnlyList<CaseSnapshot>> QueryAsync(CaseQuery query, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }
    }
}
