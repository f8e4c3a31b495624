using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GridGov.Tests.Api;

public static class ApiAssertions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Asserts an RFC 9457 problem with the status, and (when given) an error naming the field.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(body.Contains("   at ", StringComparison.Ordinal), $"A stack trace leaked: {body}");
        if (field is not null)
        {
            Assert.True(
                problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
                $"Expected an error naming '{field}': {body}");
        }

        return problem;
    }

    public static async Task<JsonElement> AssertOkAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, string json, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutAsJsonAsync<T>(this HttpClient client, string url, T value) =>
        HttpClientJsonExtensions.PutAsJsonAsync(client, url, value, Json);
}
