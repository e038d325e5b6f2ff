using System.Collections.Concurrent;
using EventDriven.RabbitMQ.Child;

namespace EventDriven.RabbitMQ.Tests.Fixtures;

/// <summary>
/// What the receiving side's handlers did, by event id: how many times each effect happened, in which order per stream. Tests wait
/// on exact counts (every test uses events of its own, so they never see each other's).
/// </summary>
public static class Effects
{
    private static readonly ConcurrentDictionary<Guid, int> s_counts = new();
    private static readonly ConcurrentQueue<(string Stream, long Number, Guid Id)> s_order = new();
    private static readonly Lock s_gate = new();
    private static readonly List<(Func<bool> Condition, TaskCompletionSource Reached)> s_waiters = [];

    public static int CountOf(Guid eventId) => s_counts.TryGetValue(eventId, out int count) ? count : 0;

    /// <summary>The order effects happened in for one stream's events.</summary>
    public static IReadOnlyList<long> NumbersOf(string stream) => [.. s_order.Where(e => e.Stream == stream).Select(static e => e.Number)];

    /// <summary>How many distinct events of streams starting with <paramref name="prefix"/> had an effect.</summary>
    public static int DistinctInStreams(string prefix) => s_order.Where(e => e.Stream.StartsWith(prefix, StringComparison.Ordinal)).Select(static e => e.Id).Distinct().Count();

    public static void Record(string stream, long number, Guid eventId)
    {
        s_counts.AddOrUpdate(eventId, 1, static (_, count) => count + 1);
        s_order.Enqueue((stream, number, eventId));
        lock (s_gate)
        {
            for (int i = s_waiters.Count - 1; i >= 0; i--)
            {
                if (s_waiters[i].Condition())
                {
                    s_waiters[i].Reached.TrySetResult();
                    s_waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds (checked now and after every effect).</summary>
    public static Task WhenAsync(Func<bool> condition)
    {
        lock (s_gate)
        {
            if (condition())
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            s_waiters.Add((condition, reached));
            return reached.Task;
        }
    }
}

/// <summary>The receiving service's handler of OrderPlaced: with the inbox, so a copy on the wire has no second effect.</summary>
[EventHandler(Inbox = true)]
public sealed class OrderPlacedRecorder : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        Effects.Record(@event.StreamId, @event.Number, @event.Id);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The receiving service's handler of the relaying child's events.</summary>
[EventHandler(Inbox = true)]
public sealed class RelayEventRecorder : IEventHandler<RelayEvent>
{
    public ValueTask HandleAsync(RelayEvent @event, CancellationToken cancellationToken = default)
    {
        Effects.Record(@event.StreamId, @event.Number, @event.Id);
        return ValueTask.CompletedTask;
    }
}
