using EventDriven.Transport;

namespace EventDriven.Sagas;

/// <summary>
/// A received event that moved a saga is acknowledged only once the saga store has made the step durable: acknowledged earlier, a
/// crash would lose a step whose cause the broker no longer holds. One per container (every saga shares the store), registered by
/// <c>AddSaga</c>.
/// </summary>
internal sealed class SagaReceiptBarrier(ISagaStore store) : IReceiptBarrier
{
    public ValueTask FlushAsync(CancellationToken cancellationToken) => store.FlushAsync(cancellationToken);
}
