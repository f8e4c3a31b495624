using System.Net;
using System.Net.Http.Json;
using GridGov.Api.Security;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

[Collection(ApiCollection.Name)]
public sealed class ApiKeyTests(ApiFactory factory)
{
    [Fact]
    public void Every_issued_key_parses_back_to_its_id()
    {
        for (var i = 0; i < 2_000; i++)
        {
            var (id, key) = ApiKeyFormat.New();
            Assert.True(ApiKeyFormat.TryParse(key, out var parsedId, out var secret), key);
            Assert.Equal(id, parsedId);
            Assert.Equal(43, secret.Length);
        }
    }

    [Fact]
    public async Task A_key_is_shown_once_listed_without_secret_and_revoked_at_once()
    {
        var d = Fresh.District();
        using var op = factory.CreateOperatorClient();
        var created = await op.PostAsJsonAsync("/api/v1/api-keys", new { name = "Hotline 12345", role = Roles.App, scope = d });
        var body = await created.AssertOkAsync(HttpStatusCode.Created);
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/api-keys/{id}", created.Headers.Location?.OriginalString);

        using var app = factory.CreateClient(key);
        await (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertOkAsync();

        using var admin = factory.CreateClient(await factory.CreateKeyAsync(Roles.DistrictAdmin, d));
        var list = await (await admin.GetAsync("/api/v1/api-keys")).AssertOkAsync();
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, k => Assert.Equal(d, k.GetProperty("scope").GetString()));
        var listed = Assert.Single(items, k => k.GetProperty("id").GetString() == id);
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.DoesNotContain(key, list.GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode);
        await (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"name":"x","role":"mayor","scope":"460204"}""", "role")]
    [InlineData("""{"name":"x","role":"app","scope":"46"}""", "scope")]
    [InlineData("""{"name":"x","role":"app","scope":"*"}""", "scope")]
    [InlineData("""{"name":"x","role":"operator","scope":"460204"}""", "scope")]
    [InlineData("""{"name":"x","role":"app","scope":"460204","expiresAt":"2001-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"name":"","role":"app","scope":"460204"}""", "name")]
    [InlineData("""{"name":"x","role":"app","scope":"460204","admin":true}""", "admin")]
    public async Task Bad_key_requests_name_the_field(string json, string field)
    {
        using var op = factory.CreateOperatorClient();
        await (await op.PostJsonAsync("/api/v1/api-keys", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_remembered_key_is_refused_with_another_secret_and_stops_at_once_when_revoked()
    {
        var d = Fresh.District();
        using var op = factory.CreateOperatorClient();
        var created = await (await op.PostJsonAsync("/api/v1/api-keys", $$"""{"name":"app","role":"app","scope":"{{d}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;
        using var app = factory.CreateClient(key);
        await (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertOkAsync();

        // Same id, another secret: refused, and the right secret still works.
        var forged = key[..20] + new string(key[20] == 'A' ? 'B' : 'A', 43);
        using var forger = factory.CreateClient(forged);
        await (await forger.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertOkAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetString()}")).StatusCode);
        await (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_key_stops_working_by_itself()
    {
        var d = Fresh.District();
        var key = await factory.CreateKeyAsync(Roles.App, d, DateTimeOffset.UtcNow.AddSeconds(2));
        using var app = factory.CreateClient(key);
        await (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).AssertOkAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await app.GetAsync("/api/v1/locate?lat=1&lon=1")).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Changes_are_audited_and_the_log_is_append_only()
    {
        var d = Fresh.District();
        using var op = factory.CreateOperatorClient();
        await (await op.PutJsonAsync($"/api/v1/territory/{d}", """{"name":"Audited"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await op.PutJsonAsync($"/api/v1/territory/{d}001002", """{"name":"Orphan"}""")).AssertProblemAsync(HttpStatusCode.BadRequest);

        using var admin = factory.CreateClient(await factory.CreateKeyAsync(Roles.DistrictAdmin, d));
        var log = await (await admin.GetAsync("/api/v1/audit")).AssertOkAsync();
        var entries = log.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("entity").GetString() == d && e.GetProperty("status").GetInt32() == 201
            && e.GetProperty("subject").GetString() == "bootstrap" && e.GetProperty("action").GetString() == "PUT /api/v1/territory/{code}");
        Assert.Contains(entries, e => e.GetProperty("entity").GetString() == $"{d}001002" && e.GetProperty("status").GetInt32() == 400);
        Assert.All(entries, e => Assert.Equal(d, e.GetProperty("district").GetString()));

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(GridGov.Hosting.Storage.SchemaMigrator.SqliteConnectionString(Path.Combine(factory.DataFolder, "gridgov.db")));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE gridgov_audit_log SET status = 200";
        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        using var op = factory.CreateOperatorClient();
        var response = await op.GetAsync($"/api/v1/territory/{Fresh.District()}");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_key_past_its_bucket_gets_429_with_retry_after()
    {
        using var measurements = new Telemetry.GridGovMeasurements();
        await using var factory = new ApiFactory(Fresh.TempFolder(), new Dictionary<string, string?>
        {
            ["GridGov:Auth:RateLimits:app:PermitsPerSecond"] = "1",
            ["GridGov:Auth:RateLimits:app:Burst"] = "3",
        });
        using var app = factory.CreateClient(await factory.CreateKeyAsync(Roles.App, Fresh.District()));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await app.GetAsync("/api/v1/locate?lat=1&lon=1");
            statuses.Add(response.StatusCode);
            limited = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(limited);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(",", statuses));
        Assert.True(int.Parse(limited!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(measurements.Total("gridgov.api.rate_limited", Roles.App) >= 1, "the refusal was not counted");
    }
}
