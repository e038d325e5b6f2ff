using System.Collections.Concurrent;
using System.ComponentModel;

namespace EventDriven.Reliability;

/// <summary>Runs a handler through the inbox: called by generated dispatchers for handlers with <see cref="EventHandlerAttribute.Inbox"/>.</summary>
/// <remarks>
/// The mark is not awaited. Waiting for it to be durable would cost the consumer one disk sync per event (about 250 events/s with
/// SQLite and <c>synchronous=FULL</c>) and buys nothing: a crash before the mark is durable re-runs the handler on redelivery, which
/// is exactly what a crash between the handler and the mark does anyway (at-least-once, see docs/delivery-guarantees.md). Marks
/// still in flight are remembered here, so an event redelivered before its mark commits is skipped too; a mark that fails is
/// counted in <see cref="FailedMarks"/> (its event would run again on redelivery).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InboxDispatch
{
    private static readonly ConcurrentDictionary<(IInbox Inbox, string Consumer, Guid EventId), Task> s_marking = new();
    private static long s_failedMarks;

    /// <summary>Marks that failed after their handler succeeded (the inbox threw): those events would be handled again if redelivered.</summary>
    public static long FailedMarks => Interlocked.Read(ref s_failedMarks);

    /// <summary>
    /// Inbox marks written but not yet confirmed by their inbox, in this process (every bus and inbox together). Zero means every
    /// handler run through an inbox so far has its mark recorded (or counted in <see cref="FailedMarks"/>).
    /// </summary>
    public static int MarksInFlight => s_marking.Count;

    /// <summary>Handles <paramref name="event"/> with <paramref name="handler"/> unless <paramref name="consumer"/> already handled its id; records the id after success.</summary>
    public static async ValueTask HandleOnceAsync<THandler, TEvent>(IInbox inbox, string consumer, THandler handler, TEvent @event, CancellationToken cancellationToken)
        where THandler : IEventHandler<TEvent>
        where TEvent : IEvent
    {
        var key = (inbox, consumer, @event.Id);
        if (s_marking.ContainsKey(key) || await inbox.HasProcessedAsync(consumer, key.Item3, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await handler.HandleAsync(@event, cancellationToken).ConfigureAwait(false);
        ValueTask<bool> mark;
        try
        {
            mark = inbox.MarkProcessedAsync(consumer, key.Item3, CancellationToken.None);
        }
        catch (Exception)
        {
            // The handler succeeded; failing to record it must not make the bus retry it (e.g. an inbox disposed during shutdown).
            Interlocked.Increment(ref s_failedMarks);
            return;
        }

        if (mark.IsCompleted)
        {
            Observe(mark);
            return;
        }

        Task<bool> pending = mark.AsTask();
        s_marking[key] = pending;
        _ = pending.ContinueWith(
            static (task, state) =>
            {
                var key = ((IInbox, string, Guid))state!;
                s_marking.TryRemove(key, out _);
                if (!task.IsCompletedSuccessfully)
                {
                    _ = task.Exception; // observed: counted instead of surfacing as an unobserved task exception
                    Interlocked.Increment(ref s_failedMarks);
                }
            },
            key,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The inbox from <paramref name="services"/>, or a clear error naming the handler that needs one.</summary>
    public static IInbox Resolve(IServiceProvider services, string consumer)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService(typeof(IInbox)) as IInbox
            ?? throw new InvalidOperationException($"Handler {consumer} has [EventHandler(Inbox = true)] but no IInbox is registered. Call services.AddEventDrivenSqlite(...) for a durable inbox, or register EventDriven.Reliability.InMemoryInbox for tests.");
    }

    private static void Observe(ValueTask<bool> mark)
    {
        try
        {
            mark.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            Interlocked.Increment(ref s_failedMarks);
        }
    }
}
