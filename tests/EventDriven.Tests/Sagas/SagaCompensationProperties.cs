using EventDriven.Sagas;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

// The in-memory store and the recording bus complete synchronously, so GetResult never blocks.
#pragma warning disable xUnit1031

namespace EventDriven.Tests.Sagas;

/// <summary>
/// Any order of one saga's events, with any redeliveries: every compensation runs at most once, in reverse order of the steps that
/// completed before the saga compensated, and the final state and published events equal those of the same events delivered once.
/// </summary>
public sealed class SagaCompensationProperties
{
    private static readonly Guid s_order = new("9a4a4a1e-0000-4000-8000-000000000001");

    // A fixed pool of events (fixed ids), so a duplicate in the generated sequence is a real redelivery.
    private static readonly IEvent[] s_pool =
    [
        new OrderOpened(s_order, 5m) { Id = new Guid("00000000-0000-4000-8000-000000000001") },
        new StockReserved(s_order) { Id = new Guid("00000000-0000-4000-8000-000000000002") },
        new CardCharged(s_order) { Id = new Guid("00000000-0000-4000-8000-000000000003") },
        new ShippingBooked(s_order) { Id = new Guid("00000000-0000-4000-8000-000000000004") },
        new ChargeDeclined(s_order) { Id = new Guid("00000000-0000-4000-8000-000000000005") },
        new OrderShipped(s_order) { Id = new Guid("00000000-0000-4000-8000-000000000006") },
    ];

    /// <summary>
    /// <paramref name="order"/> picks which of the five later events follow the start, and in which order; each redelivery copies one
    /// delivered event to a later position (a redelivery never comes before the original).
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Property_AnyRedeliveries_CompensateEachStepAtMostOnceNewestFirst_AndChangeNothingAgainstTheRunWithoutThem(int[] order, (byte Pick, byte Offset)[] redeliveries)
    {
        int[] original = [0, .. Enumerable.Range(1, s_pool.Length - 1).OrderBy(i => order.ElementAtOrDefault(i - 1)).ThenBy(i => i).Take(order.Length % s_pool.Length)];
        var delivered = new List<int>(original);
        foreach ((byte pick, byte offset) in redeliveries.Take(16))
        {
            int item = original[pick % original.Length];
            int first = delivered.IndexOf(item);
            int slots = delivered.Count - first;
            delivered.Insert(first + 1 + (offset % slots), item);
        }

        (SagaSnapshot<TestSagaState>? withRedeliveries, IReadOnlyList<IEvent> publishedWith) = Run(delivered);
        (SagaSnapshot<TestSagaState>? once, IReadOnlyList<IEvent> publishedOnce) = Run(original);

        string[] undone = publishedWith.OfType<StepUndone>().Select(u => u.Step).ToArray();
        bool atMostOnce = undone.Length == undone.Distinct().Count();
        bool newestFirst = withRedeliveries is null
            || withRedeliveries.Status != SagaStatus.Compensated
            || undone.SequenceEqual(withRedeliveries.CompletedSteps.Where(s => s is not ("ChargeDeclined" or "OrderShipped")).Reverse());
        bool sameOutcome = Describe(withRedeliveries) == Describe(once)
            && publishedWith.Select(e => e.Id).SequenceEqual(publishedOnce.Select(e => e.Id));
        return (atMostOnce && newestFirst && sameOutcome)
            .Label($"delivered [{string.Join(",", delivered)}], undone [{string.Join(",", undone)}], outcome {Describe(withRedeliveries)} vs {Describe(once)}");
    }

    private static (SagaSnapshot<TestSagaState>? Saga, IReadOnlyList<IEvent> Published) Run(IEnumerable<int> indexes)
    {
        var bus = new RecordingBus();
        SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(new InMemorySagaStore(), bus);
        foreach (int index in indexes)
        {
            ValueTask handled = s_pool[index] switch
            {
                OrderOpened e => runtime.HandleAsync(e),
                StockReserved e => runtime.HandleAsync(e),
                CardCharged e => runtime.HandleAsync(e),
                ShippingBooked e => runtime.HandleAsync(e),
                ChargeDeclined e => runtime.HandleAsync(e),
                OrderShipped e => runtime.HandleAsync(e),
                _ => throw new InvalidOperationException(),
            };
            handled.AsTask().GetAwaiter().GetResult();
        }

        SagaSnapshot<TestSagaState>? saga = runtime.GetAsync(s_order).AsTask().GetAwaiter().GetResult();
        runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (saga, bus.Published);
    }

    private static string Describe(SagaSnapshot<TestSagaState>? saga)
        => saga is null
            ? "none"
            : $"{saga.Status}|{saga.Revision}|{string.Join(",", saga.CompletedSteps)}|{string.Join(",", saga.CompensatedSteps)}|{string.Join(",", saga.State.Seen)}|{saga.Reason}";
}
