using EventDriven;

namespace EventDriven.Tests.Fixtures;

// The fixtures record every call they receive (Recorder.Record appends): the tests assert what ran, and how often.
#pragma warning disable ED0004

// Three handlers of OrderPlaced: Order decides first, then the full name (ordinal) breaks the tie between B and C.
[EventHandler(Order = -1)]
public sealed class FirstOrderHandler(Recorder recorder) : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        recorder.Record(nameof(FirstOrderHandler));
        return default;
    }
}

[EventHandler]
public sealed class OrderHandlerC(Recorder recorder) : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        recorder.Record(nameof(OrderHandlerC));
        return default;
    }
}

[EventHandler]
public class OrderHandlerB(Recorder recorder) : IEventHandler<OrderPlaced>, IEventHandler<PriceChanged>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        recorder.Record(nameof(OrderHandlerB));
        return default;
    }

    public ValueTask HandleAsync(PriceChanged @event, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref recorder.Count);
        return default;
    }
}

// PaymentDeclined: the middle handler throws synchronously, the last one asynchronously.
[EventHandler(Order = 1)]
public sealed class RefundHandler(Recorder recorder) : IEventHandler<PaymentDeclined>
{
    public ValueTask HandleAsync(PaymentDeclined @event, CancellationToken cancellationToken = default)
    {
        recorder.Record(nameof(RefundHandler));
        return default;
    }
}

[EventHandler(Order = 2)]
public sealed class ThrowingHandler(Recorder recorder) : IEventHandler<PaymentDeclined>
{
    public ValueTask HandleAsync(PaymentDeclined @event, CancellationToken cancellationToken = default)
    {
        recorder.Record(nameof(ThrowingHandler));
        throw new InvalidOperationException("card processor unavailable");
    }
}

[EventHandler(Order = 3)]
public sealed class NotifyCustomerHandler(Recorder recorder) : IEventHandler<PaymentDeclined>
{
    public ValueTask HandleAsync(PaymentDeclined @event, CancellationToken cancellationToken = default)
    {
        recorder.Record(nameof(NotifyCustomerHandler));
        return default;
    }
}

[EventHandler(Order = 4)]
public sealed class FaultingAsyncHandler(Recorder recorder) : IEventHandler<PaymentDeclined>
{
    public async ValueTask HandleAsync(PaymentDeclined @event, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        recorder.Record(nameof(FaultingAsyncHandler));
        throw new TimeoutException("mail server timed out");
    }
}

[EventHandler(Order = 5)]
public sealed class LastDeclineHandler(Recorder recorder) : IEventHandler<PaymentDeclined>
{
    public ValueTask HandleAsync(PaymentDeclined @event, CancellationToken cancellationToken = default)
    {
        recorder.Record(nameof(LastDeclineHandler));
        return default;
    }
}

// ShipmentDispatched: an asynchronous handler must finish before the next one starts.
[EventHandler(Order = 0)]
public sealed class SlowShipmentHandler(Recorder recorder) : IEventHandler<ShipmentDispatched>
{
    public async ValueTask HandleAsync(ShipmentDispatched @event, CancellationToken cancellationToken = default)
    {
        recorder.Record("slow:start");
        await Task.Delay(20, cancellationToken);
        recorder.Record("slow:end");
    }
}

[EventHandler(Order = 1)]
public sealed class AfterShipmentHandler(Recorder recorder) : IEventHandler<ShipmentDispatched>
{
    public ValueTask HandleAsync(ShipmentDispatched @event, CancellationToken cancellationToken = default)
    {
        recorder.Record("after");
        return default;
    }
}

// A handler that publishes a follow-up event needs the bus in its constructor: the bus must not resolve handlers while it is being built.
[EventHandler]
public sealed class RepriceOnOrderHandler(IEventBus bus) : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
        => bus.PublishAsync(new PriceChanged(DeterministicId.From(@event.Id, "reprice"), 9.99m), cancellationToken);
}

[EventHandler]
public sealed class WaitForCancellationHandler : IEventHandler<StockCounted>
{
    public async ValueTask HandleAsync(StockCounted @event, CancellationToken cancellationToken = default)
        => await Task.Delay(Timeout.Infinite, cancellationToken);
}
