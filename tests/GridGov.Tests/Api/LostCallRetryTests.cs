using System.Reflection;
using GridGov.Api.Infrastructure;
using Microsoft.AspNetCore.Http;
using Orleans.Serialization.Invocation;

namespace GridGov.Tests.Api;

/// <summary>
/// A grain call whose message was lost in transit (a silo leaving, a rejected message) is sent once more when its
/// request is safe to repeat, and only then (RequestDeadlineCallFilter; docs/operations.md, "Scale out and in").
/// </summary>
public sealed class LostCallRetryTests
{
    [Theory]
    [InlineData("GET", false)]
    [InlineData("HEAD", false)]
    [InlineData("POST", true)]
    public async Task A_call_lost_in_transit_is_sent_again_for_a_request_safe_to_repeat(string method, bool idempotencyKey)
    {
        var call = new FakeCall(new SiloUnavailableException("the silo left"), ok: "answer");
        await Filter(Request(method, idempotencyKey)).Invoke(call);

        Assert.Equal(2, call.Sends);
        Assert.Null(call.Response!.Exception);
    }

    [Fact]
    public async Task A_connection_failure_thrown_by_the_send_is_sent_again_too()
    {
        var call = new FakeCall(new Orleans.Runtime.Messaging.ConnectionFailedException("the gateway closed its connection"), ok: "answer", throwFirst: true);
        await Filter(Request("GET", idempotencyKey: false)).Invoke(call);

        Assert.Equal(2, call.Sends);
        Assert.Null(call.Response!.Exception);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_change_without_an_idempotency_key_is_not_sent_twice(string method)
    {
        var call = new FakeCall(new SiloUnavailableException("the silo left"), ok: "answer");
        await Filter(Request(method, idempotencyKey: false)).Invoke(call);

        Assert.Equal(1, call.Sends);
        Assert.IsType<SiloUnavailableException>(call.Response!.Exception);
    }

    [Fact]
    public async Task A_key_sent_to_an_endpoint_that_does_not_honour_it_makes_nothing_safe_to_repeat()
    {
        var call = new FakeCall(new SiloUnavailableException("the silo left"), ok: "answer");
        await Filter(Request("POST", idempotencyKey: true, honoured: false)).Invoke(call);

        Assert.Equal(1, call.Sends);
        Assert.IsType<SiloUnavailableException>(call.Response!.Exception);
    }

    [Fact]
    public async Task Other_failures_and_calls_without_a_request_are_not_repeated()
    {
        var timeout = new FakeCall(new TimeoutException("no answer in time"), ok: "answer");
        await Filter(Request("GET", idempotencyKey: false)).Invoke(timeout);
        Assert.Equal(1, timeout.Sends);

        var background = new FakeCall(new SiloUnavailableException("the silo left"), ok: "answer");
        await Filter(http: null).Invoke(background);
        Assert.Equal(1, background.Sends);
    }

    [Fact]
    public async Task A_second_loss_is_the_answer()
    {
        var call = new FakeCall(new SiloUnavailableException("the silo left"), ok: null);
        await Filter(Request("GET", idempotencyKey: false)).Invoke(call);

        Assert.Equal(2, call.Sends);
        Assert.IsType<SiloUnavailableException>(call.Response!.Exception);
    }

    private static RequestDeadlineCallFilter Filter(HttpContext? http) => new(new HttpContextAccessor { HttpContext = http }, Microsoft.Extensions.Logging.Abstractions.NullLogger<RequestDeadlineCallFilter>.Instance);

    /// <summary>A request to an endpoint that honours Idempotency-Key (as reporting a case does), unless <paramref name="honoured"/> is false.</summary>
    private static DefaultHttpContext Request(string method, bool idempotencyKey, bool honoured = true)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        if (idempotencyKey)
        {
            http.Request.Headers[IdempotencyKeys.Header] = Guid.NewGuid().ToString("N");
        }

        http.SetEndpoint(new Endpoint(null, honoured ? new EndpointMetadataCollection(IdempotencyKeys.Honoured) : EndpointMetadataCollection.Empty, "test"));
        return http;
    }

    /// <summary>A call whose first send is lost (as an exception response, or thrown); later sends answer <c>ok</c> (or are lost again when it is null).</summary>
    private sealed class FakeCall(Exception lost, string? ok, bool throwFirst = false) : IOutgoingGrainCallContext
    {
        public int Sends { get; private set; }

        public Response? Response { get; set; }

        public object? Result { get; set; }

        public Task Invoke()
        {
            Sends++;
            if (Sends == 1 && throwFirst)
            {
                throw lost;
            }

            Response = Sends == 1 || ok is null ? Response.FromException(lost) : Response.FromResult(ok);
            return Task.CompletedTask;
        }

        public IGrainContext? SourceContext => null;

        public IInvokable Request => throw new NotSupportedException();

        public object Grain => throw new NotSupportedException();

        public GrainId? SourceId => null;

        public GrainId TargetId => default;

        public GrainInterfaceType InterfaceType => default;

        public string InterfaceName => "ITestGrain";

        public string MethodName => "GetAsync";

        public MethodInfo InterfaceMethod => throw new NotSupportedException();
    }
}
