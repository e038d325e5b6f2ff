using System.Diagnostics.Metrics;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Ring;

[Collection(AllocationSensitive.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task Meter_ReportsPublishedHandledFailedAndDeadLetteredPerEventType()
    {
        var totals = new Dictionary<string, long>();
        var tags = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EventDriven")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, measurementTags, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
                foreach (KeyValuePair<string, object?> tag in measurementTags)
                {
                    tags.Add($"{tag.Key}={tag.Value}");
                }
            }
        });
        listener.Start();

        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        services.GetRequiredService<FlakyState>().FailuresLeft = 1;
        for (int i = 0; i < 3; i++)
        {
            await bus.PublishAsync(new FlakyEvent(i));
        }

        await bus.StopAsync();
        lock (totals)
        {
            Assert.True(totals.GetValueOrDefault("eventdriven.events.published") >= 3);
            Assert.True(totals.GetValueOrDefault("eventdriven.events.handled") >= 3);
            Assert.True(totals.GetValueOrDefault("eventdriven.handler.failures") >= 1);
            Assert.True(totals.GetValueOrDefault("eventdriven.events.dead_lettered") >= 1);
            Assert.Contains("messaging.destination.name=FlakyEvent", tags);
            Assert.Contains("eventdriven.handler=EventDriven.Tests.Fixtures.FlakyHandler", tags);
        }
    }

    [Fact]
    public async Task Meter_TagsEventsByTheirStableName_SoTwoTypesWithOneShortNameAreTwoSeries()
    {
        var tags = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EventDriven" && instrument.Name == "eventdriven.events.published")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, measurementTags, _) =>
        {
            lock (tags)
            {
                foreach (KeyValuePair<string, object?> tag in measurementTags)
                {
                    tags.Add($"{tag.Key}={tag.Value}");
                }
            }
        });
        listener.Start();

        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        await bus.PublishAsync(new Ordering.OrderPaidCopy(Guid.NewGuid()));
        await bus.PublishAsync(new Billing.OrderPaidCopy(Guid.NewGuid()));
        await bus.StopAsync();

        lock (tags)
        {
            Assert.Contains("messaging.destination.name=ordering.order-paid", tags);
            Assert.Contains("messaging.destination.name=billing.order-paid", tags);
            Assert.DoesNotContain("messaging.destination.name=OrderPaidCopy", tags);
        }
    }
}
