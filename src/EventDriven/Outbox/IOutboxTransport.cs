namespace EventDriven.Outbox;

/// <summary>
/// Where the <see cref="OutboxRelay"/> sends what the outbox holds: a broker publisher (<c>EventDriven.RabbitMQ</c>). Implementations
/// publish the batch in its order and report how much of it, from the start, the broker has confirmed.
/// </summary>
public interface IOutboxTransport
{
    /// <summary>
    /// Publishes <paramref name="batch"/> in order and waits for the broker's confirmations. The relay removes the confirmed prefix
    /// from the outbox and sends the rest again later, so a message the broker refused or did not confirm is never lost.
    /// </summary>
    /// <param name="batch">The messages, in outbox order.</param>
    /// <param name="cancellationToken">Stops waiting; what was not confirmed is sent again after the restart.</param>
    /// <returns>
    /// How many messages from the start of <paramref name="batch"/> are confirmed, and why the next one is not (null when all are).
    /// Throwing is the same as confirming none: the relay backs off and tries again.
    /// </returns>
    ValueTask<OutboxSendResult> SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken);
}

/// <summary>What a transport confirmed of one batch.</summary>
/// <param name="Confirmed">How many messages from the start of the batch the broker confirmed.</param>
/// <param name="Failure">Why the message after them was not confirmed (broker unreachable, unroutable, refused); null when all were.</param>
public readonly record struct OutboxSendResult(int Confirmed, Exception? Failure);
