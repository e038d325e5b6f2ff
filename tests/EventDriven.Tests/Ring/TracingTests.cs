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
