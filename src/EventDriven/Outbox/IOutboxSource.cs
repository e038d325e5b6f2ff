namespace EventDriven.Outbox;

/// <summary>
/// The outbox table of one store, as the <see cref="OutboxRelay"/> sees it: <c>SqliteOutbox</c> (one relay per file) and
/// <c>PostgresOutbox</c> (several relays share the partitions, none leads).
/// </summary>
public interface IOutboxSource : IAsyncDisposable
{
    /// <summary>
    /// The oldest messages this relay may send, in <see cref="OutboxMessage.Sequence"/> order, at most <paramref name="max"/>;
    /// empty when there is nothing. Called again only after <see cref="MarkSentAsync"/> of the previous batch (or a failure), so it
    /// returns any message not yet marked sent again.
    /// </summary>
    ValueTask<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, CancellationToken cancellationToken);

    /// <summary>Removes the first <paramref name="count"/> messages of <paramref name="batch"/> (the broker confirmed them) from the outbox.</summary>
    ValueTask MarkSentAsync(IReadOnlyList<OutboxMessage> batch, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Returns when something may have been added: at once after a commit that wrote outbox rows (in this process; on PostgreSQL, in
    /// any process, through <c>LISTEN/NOTIFY</c>), or after <paramref name="timeout"/> at the latest (the polling fallback).
    /// </summary>
    ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>How many messages wait in the whole outbox (every partition), for metrics and tests.</summary>
    ValueTask<long> CountPendingAsync(CancellationToken cancellationToken);
}
