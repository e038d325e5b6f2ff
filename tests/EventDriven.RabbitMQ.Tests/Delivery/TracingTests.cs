using System.Collections.Concurrent;
using System.Diagnostics;
using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Store;

namespace EventDriven.RabbitMQ.Tests.Delivery;

/// <summary>The relay's send span travels in the message and the receiving side's process span is its child, in one trace.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task TheProcessSpan_IsAChildOfTheSendSpan_AcrossTheBroker_WithTheMessagingTags()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        string queue = Service.UniqueName("billing");
        var spans = new ConcurrentQueue<Activity>();
        var bothStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == RabbitMqActivitySource.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // Other tests run beside this one: keep this test's spans only.
                if (activity.DisplayName == "send " + exchange || activity.DisplayName == "process " + queue)
                {
                    spans.Enqueue(activity);

                    // The process span stops just after the handler ran; the send span once the relay had the broker's confirm.
                    if (spans.Any(s => s.DisplayName == "process " + queue) && spans.Any(s => s.DisplayName == "send " + exchange && s.Status != ActivityStatusCode.Error))
                    {
                        bothStopped.TrySetResult();
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, queue);
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));

        var placed = new OrderPlaced("order-1", 1);
        await orders.Store.AppendAsync(placed.StreamId, [new EventToAppend(placed)], ExpectedVersion.NoStream);
        await Effects.WhenAsync(() => Effects.CountOf(placed.Id) == 1).WaitAsync(TimeSpan.FromMinutes(2));
        await bothStopped.Task.WaitAsync(TimeSpan.FromMinutes(1));

        Activity send = Assert.Single(spans, s => s.DisplayName == "send " + exchange && s.Status != ActivityStatusCode.Error);
        Activity process = Assert.Single(spans, s => s.DisplayName == "process " + queue);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(send.TraceId, process.TraceId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Equal("rabbitmq", process.GetTagItem("messaging.system"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal(placed.Id.ToString(), process.GetTagItem("messaging.message.id"));
        Assert.Equal("OrderPlaced", process.GetTagItem("messaging.rabbitmq.destination.routing_key"));
        Assert.Equal(1, send.GetTagItem("messaging.batch.message_count"));
    }
}
