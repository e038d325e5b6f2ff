namespace EventDriven.Ring;

/// <summary>
/// A wake-up for waiters that must not burn a core: an idle consumer, or producers waiting for space in a full ring.
/// A waiter takes <see cref="WaitAsync"/> <em>before</em> re-checking its condition, so a <see cref="Set"/> that races with
/// the re-check still completes the task it holds: no wake-up is lost.
/// </summary>
/// <remarks>Allocates one <see cref="TaskCompletionSource"/> per <see cref="Set"/>; only the rare sleep/wake path calls it.</remarks>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _current = New();

    public Task WaitAsync() => Volatile.Read(ref _current).Task;

    public void Set() => Interlocked.Exchange(ref _current, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
