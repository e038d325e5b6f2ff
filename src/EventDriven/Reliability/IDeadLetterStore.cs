namespace EventDriven.Reliability;

/// <summary>
/// A durable <see cref="IDeadLetterSink"/> an operator can work with: list the letters, inspect one, re-drive it once the cause is
/// fixed, or delete it. Implemented by <c>SqliteDeadLetterStore</c> and <c>PostgresDeadLetterStore</c>, so tools written against it
/// work on either.
/// </summary>
public interface IDeadLetterStore : IDeadLetterSink
{
    /// <summary>One page of letters in id order, after <paramref name="afterId"/>: pass the last id of a page to get the next. Events are not read, so unreadable letters are listed too.</summary>
    /// <param name="afterId">Return letters with a larger id; 0 from the start.</param>
    /// <param name="limit">At most this many (at least 1; each store has a maximum).</param>
    /// <param name="includeRedriven">Also letters already re-driven (by default only those still waiting).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    ValueTask<IReadOnlyList<DeadLetterRecord>> ListAsync(long afterId = 0, int limit = 100, bool includeRedriven = false, CancellationToken cancellationToken = default);

    /// <summary>How many letters the store holds: those still waiting, or with <paramref name="includeRedriven"/> all of them.</summary>
    ValueTask<long> CountAsync(bool includeRedriven = false, CancellationToken cancellationToken = default);

    /// <summary>The letter with id <paramref name="id"/>, re-driven or not; null when there is none.</summary>
    ValueTask<DeadLetterRecord?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The letter with id <paramref name="id"/> and its event read back, or the reason it cannot be; null when there is no such letter.</summary>
    ValueTask<DeadLetterInspection?> InspectAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Reads the event of <paramref name="letter"/> back, upcasting an older schema version.</summary>
    /// <exception cref="UnreadableDeadLetterException">It was not serializable when dead-lettered, or its payload cannot be read back now.</exception>
    IEvent ReadEvent(DeadLetterRecord letter);

    /// <summary>
    /// Reads the letter's event back, hands it to <paramref name="publish"/>, and marks the letter re-driven (it then leaves the default
    /// listing). When <paramref name="publish"/> throws, the letter stays as it was.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No letter has that id.</exception>
    /// <exception cref="UnreadableDeadLetterException">The letter's event cannot be read back; nothing was re-driven.</exception>
    ValueTask<IEvent> RedriveAsync(long id, Func<IEvent, CancellationToken, ValueTask> publish, CancellationToken cancellationToken = default);

    /// <summary>Removes the letter for good. Returns false when there was none with that id.</summary>
    ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);
}
