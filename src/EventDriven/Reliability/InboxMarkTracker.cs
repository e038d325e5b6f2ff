using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace EventDriven.Reliability;

/// <summary>
/// The inbox marks of one <see cref="IInbox"/> that are written but not yet confirmed, and the marks that failed. One per inbox
/// instance (not per process), so two buses with their own inboxes in one process count apart.
/// </summary>
internal sealed class InboxMarkTracker
{
    private static readonly ConditionalWeakTable<IInbox, InboxMarkTracker> s_byInbox = new();

    private readonly ConcurrentDictionary<(string Consumer, Guid EventId), Task> _marking = new();
    private long _failed;

    /// <summary>Marks written but not yet confirmed by the inbox.</summary>
    public int InFlight => _marking.Count;

    /// <summary>Marks that failed after their handler succeeded: those events would be handled again if redelivered.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The tracker of <paramref name="inbox"/>, created on first use.</summary>
    public static InboxMarkTracker For(IInbox inbox)
        => s_byInbox.TryGetValue(inbox, out InboxMarkTracker? tracker) ? tracker : s_byInbox.GetValue(inbox, static _ => new InboxMarkTracker());

    /// <summary>The tracker of <paramref name="inbox"/> if a handler ever marked through it.</summary>
    public static InboxMarkTracker? Find(IInbox inbox) => s_byInbox.TryGetValue(inbox, out InboxMarkTracker? tracker) ? tracker : null;

    public bool IsMarking(string consumer, Guid eventId) => _marking.ContainsKey((consumer, eventId));

    public void CountFailure() => Interlocked.Increment(ref _failed);

    /// <summary>Remembers <paramref name="mark"/> until it completes; a failed one is counted (and observed, so it is not unobserved).</summary>
    public void Track(string consumer, Guid eventId, Task<bool> mark)
    {
        var key = (consumer, eventId);
        _marking[key] = mark;
        _ = mark.ContinueWith(
            static (task, state) =>
            {
                var (tracker, key) = ((InboxMarkTracker, (string, Guid)))state!;
                tracker._marking.TryRemove(key, out _);
                if (!task.IsCompletedSuccessfully)
                {
                    _ = task.Exception;
                    tracker.CountFailure();
                }
            },
            (this, key),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
