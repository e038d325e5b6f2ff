namespace EventDriven.Store;

/// <summary>
/// The rules every <see cref="IEventStore"/> applies to an append once it can see the stream, in one place for every backend:
/// which events are duplicates (idempotency by event id), and when the expected version is checked.
/// </summary>
public static class AppendRules
{
    /// <summary>
    /// The duplicates of an append: ids already stored (<paramref name="isStored"/>) or repeated within the append. Returns
    /// <see langword="null"/> when there are none; otherwise their ids, and <paramref name="isDuplicate"/> marks their positions.
    /// </summary>
    /// <param name="events">The append's events.</param>
    /// <param name="isStored">Whether an id is already in the store (as the append's transaction sees it).</param>
    /// <param name="seen">A scratch set, cleared here (reuse one per writer to save the allocation).</param>
    /// <param name="isDuplicate">Set (allocated) only when a duplicate is found.</param>
    public static List<Guid>? FindDuplicates(IReadOnlyList<EventToAppend> events, Func<Guid, bool> isStored, HashSet<Guid> seen, out bool[]? isDuplicate)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(isStored);
        ArgumentNullException.ThrowIfNull(seen);
        seen.Clear();
        List<Guid>? duplicates = null;
        isDuplicate = null;
        for (int i = 0; i < events.Count; i++)
        {
            Guid id = events[i].Event.Id;
            if (!seen.Add(id) || isStored(id))
            {
                (duplicates ??= []).Add(id);
                (isDuplicate ??= new bool[events.Count])[i] = true;
            }
        }

        return duplicates;
    }

    /// <summary>
    /// Whether an append with <paramref name="freshEvents"/> new events writes anything. When every event is a duplicate it writes
    /// nothing and succeeds <b>without</b> a version check, so retrying an append whose acknowledgement was lost is always safe.
    /// Otherwise the stream's <paramref name="actualVersion"/> (-1 when empty) must satisfy <paramref name="expected"/>.
    /// </summary>
    /// <exception cref="ConcurrencyException">New events, and the stream is at another version than expected; write nothing.</exception>
    public static bool MustWrite(string streamId, ExpectedVersion expected, long actualVersion, int freshEvents)
    {
        if (freshEvents == 0)
        {
            return false;
        }

        if (!expected.IsSatisfiedBy(actualVersion))
        {
            throw new ConcurrencyException(streamId, expected, actualVersion);
        }

        return true;
    }
}
