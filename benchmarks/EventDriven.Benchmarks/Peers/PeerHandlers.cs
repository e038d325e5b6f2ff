using System.Runtime.CompilerServices;
using EventDriven;

namespace EventDriven.Benchmarks.Peers;

// The same ten handlers written for each library compared. Handler i handles the events of every count above i (Handler0: Order1,
// Order3, Order10 and their struct twins; Handler3..9: only Order10/Price10), so an event of count n has exactly n handlers in each
// family. Every handler does the same work: it adds the event's Amount into the PeerSink and completes synchronously.
// Generated once by a throw-away script; edit by hand like any other file.

// ---------------------------------------------------------------- EventDriven (source-generated dispatch)

[EventHandler]
public sealed class Handler0(PeerSink sink) : IEventHandler<Order1>, IEventHandler<Price1>, IEventHandler<Order3>, IEventHandler<Price3>, IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order1 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price1 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Order3 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price3 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler1(PeerSink sink) : IEventHandler<Order3>, IEventHandler<Price3>, IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order3 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price3 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler2(PeerSink sink) : IEventHandler<Order3>, IEventHandler<Price3>, IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order3 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price3 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler3(PeerSink sink) : IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler4(PeerSink sink) : IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler5(PeerSink sink) : IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler6(PeerSink sink) : IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler7(PeerSink sink) : IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler8(PeerSink sink) : IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class Handler9(PeerSink sink) : IEventHandler<Order10>, IEventHandler<Price10>
{
    public ValueTask HandleAsync(Order10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(Price10 @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

// ---------------------------------------------------------------- Mediator 3.0.2 (source-generated)

public sealed class MediatorHandler0(PeerSink sink) : Mediator.INotificationHandler<Order1>, Mediator.INotificationHandler<Price1>, Mediator.INotificationHandler<Order3>, Mediator.INotificationHandler<Price3>, Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order1 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price1 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Order3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler1(PeerSink sink) : Mediator.INotificationHandler<Order3>, Mediator.INotificationHandler<Price3>, Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler2(PeerSink sink) : Mediator.INotificationHandler<Order3>, Mediator.INotificationHandler<Price3>, Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler3(PeerSink sink) : Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler4(PeerSink sink) : Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler5(PeerSink sink) : Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler6(PeerSink sink) : Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler7(PeerSink sink) : Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler8(PeerSink sink) : Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

public sealed class MediatorHandler9(PeerSink sink) : Mediator.INotificationHandler<Order10>, Mediator.INotificationHandler<Price10>
{
    public ValueTask Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }

    public ValueTask Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return default;
    }
}

// ---------------------------------------------------------------- MediatR 5.1.0 (reflection + DI)

public sealed class MediatRHandler0(PeerSink sink) : MediatR.INotificationHandler<Order1>, MediatR.INotificationHandler<Price1>, MediatR.INotificationHandler<Order3>, MediatR.INotificationHandler<Price3>, MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order1 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price1 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Order3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler1(PeerSink sink) : MediatR.INotificationHandler<Order3>, MediatR.INotificationHandler<Price3>, MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler2(PeerSink sink) : MediatR.INotificationHandler<Order3>, MediatR.INotificationHandler<Price3>, MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price3 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler3(PeerSink sink) : MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler4(PeerSink sink) : MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler5(PeerSink sink) : MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler6(PeerSink sink) : MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler7(PeerSink sink) : MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler8(PeerSink sink) : MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MediatRHandler9(PeerSink sink) : MediatR.INotificationHandler<Order10>, MediatR.INotificationHandler<Price10>
{
    public Task Handle(Order10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }

    public Task Handle(Price10 notification, CancellationToken cancellationToken)
    {
        sink.Total += notification.Amount;
        return Task.CompletedTask;
    }
}

// ---------------------------------------------------------------- MassTransit 8.5.12 mediator (class messages only)

public sealed class MassTransitConsumer0(PeerSink sink) : MassTransit.IConsumer<Order1>, MassTransit.IConsumer<Order3>, MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order1> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }

    public Task Consume(MassTransit.ConsumeContext<Order3> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }

    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer1(PeerSink sink) : MassTransit.IConsumer<Order3>, MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order3> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }

    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer2(PeerSink sink) : MassTransit.IConsumer<Order3>, MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order3> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }

    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer3(PeerSink sink) : MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer4(PeerSink sink) : MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer5(PeerSink sink) : MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer6(PeerSink sink) : MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer7(PeerSink sink) : MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer8(PeerSink sink) : MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

public sealed class MassTransitConsumer9(PeerSink sink) : MassTransit.IConsumer<Order10>
{
    public Task Consume(MassTransit.ConsumeContext<Order10> context)
    {
        sink.Total += context.Message.Amount;
        return Task.CompletedTask;
    }
}

// ---------------------------------------------------------------- the floor

/// <summary>
/// The baseline: the EventDriven handlers above called by hand, in a method the JIT may not inline (as a bus's call site would not
/// be); the handler calls inside it are direct calls on sealed types, which the JIT may inline.
/// </summary>
public sealed class PeerHandWritten(Handler0 h0, Handler1 h1, Handler2 h2, Handler3 h3, Handler4 h4, Handler5 h5, Handler6 h6, Handler7 h7, Handler8 h8, Handler9 h9)
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(Order1 @event)
    {
        return h0.HandleAsync(@event);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(Price1 @event)
    {
        return h0.HandleAsync(@event);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(Order3 @event)
    {
        h0.HandleAsync(@event).GetAwaiter().GetResult();
        h1.HandleAsync(@event).GetAwaiter().GetResult();
        return h2.HandleAsync(@event);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(Price3 @event)
    {
        h0.HandleAsync(@event).GetAwaiter().GetResult();
        h1.HandleAsync(@event).GetAwaiter().GetResult();
        return h2.HandleAsync(@event);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(Order10 @event)
    {
        h0.HandleAsync(@event).GetAwaiter().GetResult();
        h1.HandleAsync(@event).GetAwaiter().GetResult();
        h2.HandleAsync(@event).GetAwaiter().GetResult();
        h3.HandleAsync(@event).GetAwaiter().GetResult();
        h4.HandleAsync(@event).GetAwaiter().GetResult();
        h5.HandleAsync(@event).GetAwaiter().GetResult();
        h6.HandleAsync(@event).GetAwaiter().GetResult();
        h7.HandleAsync(@event).GetAwaiter().GetResult();
        h8.HandleAsync(@event).GetAwaiter().GetResult();
        return h9.HandleAsync(@event);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(Price10 @event)
    {
        h0.HandleAsync(@event).GetAwaiter().GetResult();
        h1.HandleAsync(@event).GetAwaiter().GetResult();
        h2.HandleAsync(@event).GetAwaiter().GetResult();
        h3.HandleAsync(@event).GetAwaiter().GetResult();
        h4.HandleAsync(@event).GetAwaiter().GetResult();
        h5.HandleAsync(@event).GetAwaiter().GetResult();
        h6.HandleAsync(@event).GetAwaiter().GetResult();
        h7.HandleAsync(@event).GetAwaiter().GetResult();
        h8.HandleAsync(@event).GetAwaiter().GetResult();
        return h9.HandleAsync(@event);
    }
}
