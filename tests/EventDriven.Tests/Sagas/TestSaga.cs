using EventDriven.Sagas;

namespace EventDriven.Tests.Sagas;

/// <summary>
/// The saga under test: open → reserve stock (undo: release; payment must follow within 30 s) → charge card (undo: refund) →
/// book shipping (undo: cancel booking); a declined charge compensates; shipping completes. Each compensation publishes
/// <see cref="StepUndone"/> naming its step, so the published order is the compensation order.
/// </summary>
internal static class TestSaga
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(30);

    public static SagaDefinition<TestSagaState> Define(SagaDefinition<TestSagaState>? definition = null)
    {
        definition ??= new SagaDefinition<TestSagaState>("TestSaga");
        return definition
            .StartsWith<OrderOpened>(e => e.OrderId, (s, e, ctx) =>
            {
                s.OrderId = e.OrderId;
                s.Amount = e.Amount;
                s.Seen.Add(nameof(OrderOpened));
                return ctx.PublishAsync(new ReserveStock(e.OrderId) { Id = ctx.DeriveId(nameof(ReserveStock)) });
            }, compensate: Undo(nameof(OrderOpened)))
            .Step<StockReserved>(e => e.OrderId, Remember<StockReserved>(), compensate: Undo(nameof(StockReserved)), timeout: PaymentTimeout)
            .Step<CardCharged>(e => e.OrderId, Remember<CardCharged>(), compensate: Undo(nameof(CardCharged)))
            .Step<ShippingBooked>(e => e.OrderId, Remember<ShippingBooked>(), compensate: Undo(nameof(ShippingBooked)))
            .CompensateOn<ChargeDeclined>(e => e.OrderId, Remember<ChargeDeclined>())
            .CompleteOn<OrderShipped>(e => e.OrderId, Remember<OrderShipped>())
#pragma warning disable ED0001 // a saga context's publish is a publish; only the test's recording bus reads this one
            .WhenCompensated((s, ctx) => ctx.PublishAsync(new OrderAborted(s.OrderId, ctx.CompensationReason!) { Id = ctx.DeriveId(nameof(OrderAborted)) }));
#pragma warning restore ED0001
    }

    public static SagaRuntime<TestSagaState> CreateRuntime(
        ISagaStore store, IEventBus bus, TimeProvider? time = null, Action<SagaOptions>? configure = null, SagaDefinition<TestSagaState>? definition = null)
    {
        var options = new SagaOptions();
        configure?.Invoke(options);
        return new SagaRuntime<TestSagaState>(definition ?? Define(), SagaTestJsonContext.Default.TestSagaState, store, bus, options, time ?? new ManualTimeProvider());
    }

    private static SagaStepHandler<TestSagaState, TEvent> Remember<TEvent>()
        where TEvent : IEvent
        => (s, e, ctx) =>
        {
            s.Seen.Add(typeof(TEvent).Name);
            return ValueTask.CompletedTask;
        };

    private static SagaAction<TestSagaState> Undo(string step)
        => (s, ctx) => ctx.PublishAsync(new StepUndone(s.OrderId, step) { Id = ctx.DeriveId("undo/" + step) });
}
