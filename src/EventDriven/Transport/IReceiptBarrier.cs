namespace EventDriven.Transport;

/// <summary>
/// A part of this process that writes behind (accepts a write now, makes it durable a little later, e.g. saga state in the next group
/// commit) and must have made durable what a handler handed it before a transport acknowledges the event that handler handled.
/// </summary>
/// <remarks>
/// The bus completes a received event's receipt (<see cref="IEventReceiver.ReceiveAsync"/>) only after the handlers ran, the events
/// they published were stored and handled here (ring mode), and every registered barrier's <see cref="FlushAsync"/> completed:
/// acknowledging earlier would let a crash lose a write whose cause the broker no longer holds. Register one as a singleton
/// (<c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IReceiptBarrier, MyBarrier&gt;())</c>); <c>AddSaga</c> registers one for the saga store.
/// </remarks>
public interface IReceiptBarrier
{
    /// <summary>Completes once everything handed to this component before the call is durable; fails if it cannot be.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
