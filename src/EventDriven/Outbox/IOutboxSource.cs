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

    /// <summary>
    /// Holds <paramref name="message"/> back for <paramref name="delay"/> (the broker refused it), with the reason: until then neither it
    /// nor any later message of its partition key is claimed, so that key keeps its order while every other key flows. Its
    /// <see cref="OutboxMessage.Attempts"/> goes up by one.
    /// </summary>
    ValueTask DeferAsync(OutboxMessage message, TimeSpan delay, string reason, CancellationToken cancellationToken);

    /// <summary>Makes every deferred message due now (after fixing what refused them, e.g. deploying the consumer that binds their type).</summary>
    /// <returns>How many messages were deferred.</returns>
    ValueTask<int> RetryDeferredNowAsync(CancellationToken cancellationToken);

    /// <summary>How many messages wait in the whole outbox (every partition), for metrics and tests.</summary>
    ValueTask<long> CountPendingAsync(CancellationToken cancellationToken);
}
