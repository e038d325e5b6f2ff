using System.Globalization;
using EventDriven;

namespace Consumer;

/// <summary>Where handlers report; a singleton the generated registration injects into their constructors.</summary>
public sealed class Journal
{
    public void Write(string line) => Console.WriteLine(line);
}

/// <summary>Shape 1: sealed, implements HandleAsync directly, runs first (lowest Order).</summary>
[EventHandler(Order = -10)]
public sealed class ValidateOrder(Journal journal) : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"ValidateOrder: {@event.OrderNumber}");
        return default;
    }
}

/// <summary>Shape 2: not sealed, handles both events, runs last for each (highest Order).</summary>
[EventHandler(Order = 5, Idempotent = true)]
public class AuditTrail(Journal journal) : IEventHandler<OrderPlaced>, IEventHandler<PaymentCaptured>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"AuditTrail: {@event.EventType} {@event.OrderNumber}");
        return default;
    }

    public ValueTask HandleAsync(PaymentCaptured @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"AuditTrail: {@event.EventType} {@event.OrderNumber}");
        return default;
    }
}

/// <summary>Shape 3's base: an abstract generic class that implements the interface for its subclasses.</summary>
public abstract class BaseHandler<T>(Journal journal) : IEventHandler<T>
    where T : IEvent
{
    public ValueTask HandleAsync(T @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"{GetType().Name}: {Describe(@event)}");
        return default;
    }

    protected abstract string Describe(T @event);
}

/// <summary>Shape 3: derives from the generic base closed over one event.</summary>
[EventHandler(Order = 1)]
public sealed class NotifyCustomer(Journal journal) : BaseHandler<OrderPlaced>(journal)
{
    protected override string Describe(OrderPlaced @event) => "order " + @event.OrderNumber + " confirmed";
}

/// <summary>Shape 3 again, over the struct event; ties with <see cref="ExplicitLedger"/> on Order, so full-name order decides.</summary>
[EventHandler]
public sealed class ReceiptPrinter(Journal journal) : BaseHandler<PaymentCaptured>(journal)
{
    protected override string Describe(PaymentCaptured @event) => "receipt for " + @event.Amount.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>Shape 4: explicit interface implementation, and a constructor parameter with a default value.</summary>
[EventHandler]
public sealed class ExplicitLedger(Journal journal, string prefix = "ledger") : IEventHandler<PaymentCaptured>
{
    ValueTask IEventHandler<PaymentCaptured>.HandleAsync(PaymentCaptured @event, CancellationToken cancellationToken)
    {
        journal.Write($"ExplicitLedger: {prefix} +{@event.Amount.ToString("0.00", CultureInfo.InvariantCulture)}");
        return default;
    }
}

/// <summary>Shape 5: really asynchronous, so the handlers after it run on the dispatcher's continuation path.</summary>
[EventHandler(Order = 2)]
public sealed class ReserveStock(Journal journal) : IEventHandler<OrderPlaced>
{
    public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"ReserveStock: begin {@event.OrderNumber}");
        await Task.Yield();
        journal.Write($"ReserveStock: end {@event.OrderNumber}");
    }
}

/// <summary>What a scoped handler takes: a stand-in for a <c>DbContext</c>, registered scoped, numbered, disposed with its scope.</summary>
public sealed class CheckoutSession(Journal journal) : IAsyncDisposable
{
    private static int s_opened;

    public int Number { get; } = Interlocked.Increment(ref s_opened);

    public ValueTask DisposeAsync()
    {
        journal.Write($"CheckoutSession {Number} closed");
        return default;
    }
}

/// <summary>Shape 6: scoped, so it may take a scoped service; the bus opens a scope for the call and disposes it after.</summary>
[EventHandler(Order = 3, Lifetime = HandlerLifetime.Scoped)]
public sealed class ChargeCustomer(CheckoutSession session, Journal journal) : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"ChargeCustomer: {@event.OrderNumber} in session {session.Number}");
        return default;
    }
}
