namespace EventDriven.Outbox;

/// <summary>
/// A wake-up for a relay, for store implementations: the store's writer calls <see cref="Set"/> after a commit that wrote outbox
/// rows, and the relay's <see cref="IOutboxSource.WaitAsync"/> returns. Signals while nobody waits collapse into one.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Wakes the waiter, or the next one if none waits now.</summary>
    public void Set()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit signalled between the check and the release: one pending signal is all a relay needs.
            }
        }
    }

    /// <summary>Waits for the next <see cref="Set"/> (or one that came while nobody waited), at most <paramref name="timeout"/>.</summary>
    /// <returns>True when signalled, false when the time ran out.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
