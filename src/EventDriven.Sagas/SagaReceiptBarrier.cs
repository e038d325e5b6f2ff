using EventDriven.Transport;

namespace EventDriven.Sagas;

/// <summary>
/// A received event that moved a saga is acknowledged only once that step is durable: its events stored, then its state committed
/// (<see cref="SagaRuntime{TState}.FlushAsync"/>). Acknowledged earlier, a crash would lose a step whose cause the broker no longer
/// holds. Registered once per saga by <c>AddSaga</c>.
/// </summary>
internal sealed class SagaReceiptBarrier<TState>(SagaRuntime<TState> runtime) : IReceiptBarrier
    where TState : class, new()
{
    public ValueTask FlushAsync(CancellationToken cancellationToken) => runtime.FlushAsync(cancellationToken);
}
