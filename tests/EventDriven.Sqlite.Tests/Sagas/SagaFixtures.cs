using System.Text.Json.Serialization;
using EventDriven.Sagas;

namespace EventDriven.Sqlite.Tests.Sagas;

public abstract record ShopEvent(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => GetType().Name;
    public string Source => "SqliteSagaTests";
}

public sealed record CheckoutStarted(Guid OrderId, int Units) : ShopEvent(OrderId);

public sealed record UnitsHeld(Guid OrderId) : ShopEvent(OrderId);

public sealed record PaymentTaken(Guid OrderId) : ShopEvent(OrderId);

public sealed record PaymentRefused(Guid OrderId) : ShopEvent(OrderId);

public sealed record ParcelShipped(Guid OrderId) : ShopEvent(OrderId);

public sealed record UnitsReleased(Guid OrderId) : ShopEvent(OrderId);

public sealed class CheckoutState
{
    public Guid OrderId { get; set; }

    public int Units { get; set; }

    public bool Held { get; set; }

    public bool Paid { get; set; }
}

[JsonSerializable(typeof(CheckoutState))]
internal sealed partial class SagaJsonContext : JsonSerializerContext;

/// <summary>Start → hold units (undo: release; payment within 30 s) → payment taken; refused compensates; shipped completes.</summary>
internal static class CheckoutSaga
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(30);

    public static SagaDefinition<CheckoutState> Define(SagaDefinition<CheckoutState>? definition = null)
        => (definition ?? new SagaDefinition<CheckoutState>("CheckoutSaga"))
            .StartsWith<CheckoutStarted>(e => e.OrderId, (s, e, ctx) =>
            {
                s.OrderId = e.OrderId;
                s.Units = e.Units;
                return ValueTask.CompletedTask;
            })
            .Step<UnitsHeld>(
                e => e.OrderId,
                (s, e, ctx) =>
                {
                    s.Held = true;
                    return ValueTask.CompletedTask;
                },
#pragma warning disable ED0001 // a saga context's publish is a publish; only the test's recording bus reads this one
                compensate: (s, ctx) => ctx.PublishAsync(new UnitsReleased(s.OrderId) { Id = ctx.DeriveId(nameof(UnitsReleased)) }),
#pragma warning restore ED0001
                timeout: PaymentTimeout)
            .Step<PaymentTaken>(e => e.OrderId, (s, e, ctx) =>
            {
                s.Paid = true;
                return ValueTask.CompletedTask;
            })
            .CompensateOn<PaymentRefused>(e => e.OrderId)
            .CompleteOn<ParcelShipped>(e => e.OrderId);

    public static SagaRuntime<CheckoutState> Create(ISagaStore store, IEventBus bus, TimeProvider time, SagaDurability durability = SagaDurability.WriteBehind)
        => new(Define(), SagaJsonContext.Default.CheckoutState, store, bus, new SagaOptions { Durability = durability }, time);
}

/// <summary>An <see cref="IEventBus"/> that only remembers what was published.</summary>
internal sealed class RecordingBus : IEventBus
{
    private readonly List<IEvent> _published = [];

    public IReadOnlyList<T> OfType<T>()
    {
        lock (_published)
        {
            return _published.OfType<T>().ToArray();
        }
    }

    public ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        lock (_published)
        {
            _published.Add(@event);
        }

        return default;
    }

    public IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
        => throw new NotSupportedException();
}

/// <summary>A clock that moves only when told. Its timers never fire by themselves: tests call FireDueTimeoutsAsync.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

    private sealed class NeverTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
