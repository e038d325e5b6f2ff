using System.Text;
using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;

namespace EventDriven.RabbitMQ.Tests.Delivery;

/// <summary>One service appends and sends through its outbox; another consumes from its endpoint queue on a real broker.</summary>
public sealed class DeliveryTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ACommittedAppend_IsHandledByTheOtherService_OnceInEffect_AndLeavesTheOutbox()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, Service.UniqueName("billing"));
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));

        Assert.Contains("OrderPlaced", billing.Endpoint.Bindings);
        var placed = new OrderPlaced("order-1", 1);
        await orders.Store.AppendAsync(placed.StreamId, [new EventToAppend(placed)], ExpectedVersion.NoStream);
        var later = new OrderPlaced("order-2", 2);
        await orders.Store.AppendAsync(later.StreamId, [new EventToAppend(later)], ExpectedVersion.NoStream);

        await Effects.WhenAsync(() => Effects.CountOf(later.Id) == 1).WaitAsync(s_bound);
        Assert.Equal(1, Effects.CountOf(placed.Id));

        // The relay removes a batch after the broker's confirm, which may come after the other service handled it.
        await orders.Outbox.WhenAsync(static o => o.Sent == 2).WaitAsync(s_bound);
        Assert.Equal(0, await orders.Outbox.CountPendingAsync(default));
    }

    [Fact]
    public async Task AnEventPublishedWithStoreAndPublish_IsStored_HandledHere_AndLeavesThroughTheOutbox()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, Service.UniqueName("billing"));
        await using Service orders = await Service.StartAsync(
            broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"), bus: o => o.EventStorage = EventStorage.BeforeDispatch);

        // Published on the orders service's bus: stored before dispatch (and so put in the outbox in the same transaction), handled
        // by the orders service's own handler, and sent to billing, whose handler runs too: one effect in each service.
        var placed = new OrderPlaced("order-1", 1);
        await orders.Bus.PublishAsync(placed);

        await Effects.WhenAsync(() => Effects.CountOf(placed.Id) == 2).WaitAsync(s_bound);
        await orders.Outbox.WhenAsync(static o => o.Sent == 1).WaitAsync(s_bound);
        Assert.Equal(1, billing.Endpoint.Received);
        Assert.Equal(0, await orders.Store.GetStreamVersionAsync("order-1"));
        Assert.Equal(0, await orders.Outbox.CountPendingAsync(default));
    }

    [Fact]
    public async Task ARolledBackUnitOfWork_SendsNothing_WhileTheCommitAfterItIsDelivered()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, Service.UniqueName("billing"));
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));

        var rolledBack = new OrderPlaced("order-1", 1);
        await Assert.ThrowsAsync<SqliteException>(() => orders.Store.BeginUnitOfWork()
            .Append(rolledBack.StreamId, [new EventToAppend(rolledBack)], ExpectedVersion.Any)
            .Execute(static (connection, transaction) =>
            {
                using SqliteCommand failing = connection.CreateCommand();
                failing.Transaction = transaction;
                failing.CommandText = "INSERT INTO no_such_table VALUES (1)";
                failing.ExecuteNonQuery();
            })
            .CommitAsync());
        var committed = new OrderPlaced("order-1", 2);
        await orders.Store.BeginUnitOfWork().Append(committed.StreamId, [new EventToAppend(committed)], ExpectedVersion.Any).CommitAsync();

        // The relay sends in commit order: once the later commit was handled, anything before it would have been too.
        await Effects.WhenAsync(() => Effects.CountOf(committed.Id) == 1).WaitAsync(s_bound);
        Assert.Equal(0, Effects.CountOf(rolledBack.Id));
        await orders.Outbox.WhenAsync(static o => o.Sent == 1).WaitAsync(s_bound);
        Assert.Equal(0, await orders.Outbox.CountPendingAsync(default));
    }

    [Fact]
    public async Task AnEventNoQueueIsBoundFor_IsAnError_StaysInTheOutbox_AndIsDeliveredOnceAConsumerBinds()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));
        var placed = new OrderPlaced("order-1", 1);
        await orders.Store.AppendAsync(placed.StreamId, [new EventToAppend(placed)], ExpectedVersion.NoStream);

        // Mandatory publishing: the broker returns it; the relay keeps it, defers it (with its key only) and tries it again.
        await orders.Outbox.WhenAsync(static o => o.Deferred >= 2).WaitAsync(s_bound);
        Assert.Equal(1, await orders.Outbox.CountPendingAsync(default));
        Assert.Equal(0, orders.Relay.Sent);
        Assert.Equal(0, orders.Relay.Failures);

        await using Service billing = await Service.StartAsync(broker.Uri, exchange, Service.UniqueName("billing"));
        await Effects.WhenAsync(() => Effects.CountOf(placed.Id) == 1).WaitAsync(s_bound);
        await orders.Outbox.WhenAsync(static o => o.Sent == 1).WaitAsync(s_bound);
        Assert.Equal(0, await orders.Outbox.CountPendingAsync(default));
    }

    [Fact]
    public async Task PoisonMessages_GoToTheDeadLetterQueueWithTheirReasons_AndTheRestFlows()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        string queue = Service.UniqueName("billing");
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, queue, transport: o => o.MaxMessageSize = 4096);
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));

        var factory = new ConnectionFactory { Uri = broker.Uri };
        await using IConnection connection = await factory.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync();
        var good = new OrderPlaced("order-1", 1);
        string goodJson = $$"""{"StreamId":"order-1","Number":1,"Id":"{{Guid.NewGuid()}}","OccurredAt":"2026-12-03T09:00:00+00:00"}""";
        await PublishRawAsync(channel, queue, "NoSuchEvent", Guid.NewGuid(), 1, "{}");
        await PublishRawAsync(channel, queue, "OrderPlaced", Guid.NewGuid(), 1, "{ this is not json");
        await PublishRawAsync(channel, queue, "OrderPlaced", Guid.NewGuid(), 99, goodJson);
        await PublishRawAsync(channel, queue, "OrderPlaced", null, 1, goodJson);
        await PublishRawAsync(channel, queue, "OrderPlaced", Guid.NewGuid(), 1, new string('x', 5000));
        await orders.Store.AppendAsync(good.StreamId, [new EventToAppend(good)], ExpectedVersion.Any);

        await Effects.WhenAsync(() => Effects.CountOf(good.Id) == 1).WaitAsync(s_bound);
        await billing.Endpoint.WhenAsync(() => billing.Endpoint.DeadLettered == 5).WaitAsync(s_bound);
        var reasons = new List<string>();
        while (await channel.BasicGetAsync(billing.Endpoint.DeadLetterQueue, autoAck: true) is { } letter)
        {
            reasons.Add(Encoding.UTF8.GetString((byte[])letter.BasicProperties.Headers![RabbitMqHeaders.DeadLetterReason]!) + " | " + Encoding.UTF8.GetString((byte[])letter.BasicProperties.Headers![RabbitMqHeaders.DeadLetterError]!));
        }

        Assert.Equal(5, reasons.Count);
        Assert.Contains(reasons, static r => r.Contains("no event type named 'NoSuchEvent'") && r.Contains("UnknownEventTypeException"));
        Assert.Contains(reasons, static r => r.Contains("is not a valid 'OrderPlaced'") && r.Contains("CorruptEventPayloadException"));
        Assert.Contains(reasons, static r => r.Contains("schema version 99") && r.Contains("EventSchemaVersionException"));
        Assert.Contains(reasons, static r => r.Contains("message_id") && r.Contains("PoisonMessageException"));
        Assert.Contains(reasons, static r => r.Contains("over RabbitMqOptions.MaxMessageSize"));

        // Every message was acknowledged (the poison after its dead letter was confirmed), none given back.
        await billing.Endpoint.WhenAsync(() => billing.Endpoint.Acknowledged == 6).WaitAsync(s_bound);
        Assert.Equal(6, billing.Endpoint.Received);
        Assert.Equal(0, billing.Endpoint.Requeued);
    }

    private static async Task PublishRawAsync(IChannel channel, string queue, string type, Guid? id, int schemaVersion, string body)
    {
        var properties = new BasicProperties
        {
            MessageId = id?.ToString(),
            Type = type,
            Headers = new Dictionary<string, object?> { [RabbitMqHeaders.SchemaVersion] = schemaVersion },
        };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

}
