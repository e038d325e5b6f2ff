namespace EventDriven.Reliability;

/// <summary>
/// Remembers which events each consumer (handler) has handled, so a redelivered event is handled once. Used by handlers with
/// <see cref="EventHandlerAttribute.Inbox"/>; the durable implementation lives in <c>EventDriven.Sqlite</c>.
/// </summary>
public interface IInbox
{
    /// <summary>Whether <paramref name="consumer"/> has already handled <paramref name="eventId"/>.</summary>
    ValueTask<bool> HasProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>Records that <paramref name="consumer"/> handled <paramref name="eventId"/>. Returns false when it was already recorded.</summary>
    /// <remarks>
    /// The task completes when the record is durable. How is the backend's choice: written before the task completes, or group-committed
    /// with other writes (<c>SqliteInbox</c>). Callers that must not wait for a disk, such as <see cref="InboxDispatch"/>, keep the
    /// in-flight records themselves; the contract asks nothing of the backend for that.
    /// </remarks>
    ValueTask<bool> MarkProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>Forgets records older than <paramref name="olderThan"/> (retention). Returns how many were removed.</summary>
    ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);
}
