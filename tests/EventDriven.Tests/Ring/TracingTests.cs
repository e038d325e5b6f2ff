using System.Diagnostics;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Ring;

[Collection(AllocationSensitive.Name)]
public sealed class TracingTests
{
    [Fact]
    public async Task EventPublishedByAHandler_CarriesTheCauseAsCausationId_AndInheritsItsCorrelationId()
    {
        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        var cause = new CauseEvent(1);

        await bus.PublishAsync(cause);
        await bus.StopAsync();

        var seen = services.GetRequiredService<ContextLog>().Seen.ToDictionary(s => s.Event, s => s.Context);
        Assert.Equal(new EventContext(cause.Id, cause.Id, Guid.Empty), seen["cause"]);
        Assert.Equal(cause.Id, seen["effect"].CausationId);
        Assert.Equal(cause.Id, seen["effect"].CorrelationId);
        Assert.NotEqual(cause.Id, seen["effect"].EventId);
        Assert.False(EventContext.Current.IsActive);
    }

    [Fact]
    public async Task Inline_WithAListener_EachHandlerIsASpan_AndFailuresTakeTheSamePathAsWithout()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "EventDriven",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var declined = new PaymentDeclined(Guid.NewGuid());

        var exception = await Assert.ThrowsAsync<EventDispatchException>(async () => await bus.PublishAsync(declined));

        // As untraced inline dispatch: every handler ran, the two failures come back together.
        Assert.Equal(
            ["RefundHandler", "ThrowingHandler", "NotifyCustomerHandler", "FaultingAsyncHandler", "LastDeclineHandler"],
            services.GetRequiredService<Recorder>().Calls);
        Assert.Equal([typeof(ThrowingHandler).FullName, typeof(FaultingAsyncHandler).FullName], exception.Failures.Select(static f => f.HandlerName));
        Activity[] spans;
        lock (stopped)
        {
            spans = [.. stopped.Where(a => a.DisplayName == "process PaymentDeclined" && (string?)a.GetTagItem("messaging.message.id") == declined.Id.ToString())];
        }

        Assert.Equal(5, spans.Length);
        Assert.Equal(2, spans.Count(static a => a.Status == ActivityStatusCode.Error));
    }

    [Fact]
    public async Task TheConsumerThread_DoesNotCarryTheFirstPublishersAsyncLocals()
    {
        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        ContextLog.Ambient.Value = "first publisher's request";
        try
        {
            await bus.PublishAsync(new CauseEvent(2)); // starts the consumer thread inside this flow
            await bus.StopAsync();
        }
        finally
        {
            ContextLog.Ambient.Value = null;
        }

        Assert.Null(Assert.Single(services.GetRequiredService<ContextLog>().AmbientSeen));
    }

    [Fact]
    public async Task WithAListener_EachHandlerExecutionIsASpanLinkedToThePublisher()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "EventDriven" or "Tests.Publisher",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var publisherSource = new ActivitySource("Tests.Publisher");

        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        ActivityTraceId publisherTrace;
        using (Activity publisher = publisherSource.StartActivity("place order")!)
        {
            publisherTrace = publisher.TraceId;
            await bus.PublishAsync(new OrderPlaced(Guid.NewGuid()));
        }

        await bus.StopAsync();
        Activity[] handlerSpans;
        lock (stopped)
        {
            handlerSpans = stopped.Where(a => a.Source.Name == "EventDriven" && a.DisplayName == "process OrderPlaced").ToArray();
        }

        Assert.Equal(
            ["EventDriven.Tests.Fixtures.FirstOrderHandler", "EventDriven.Tests.Fixtures.OrderHandlerB", "EventDriven.Tests.Fixtures.OrderHandlerC", "EventDriven.Tests.Fixtures.RepriceOnOrderHandler"],
            handlerSpans.Select(a => (string?)a.GetTagItem("eventdriven.handler")));
        Assert.All(handlerSpans, span =>
        {
            Assert.Equal(ActivityKind.Consumer, span.Kind);
            Assert.Contains(span.Links, link => link.Context.TraceId == publisherTrace);
        });
    }
}
