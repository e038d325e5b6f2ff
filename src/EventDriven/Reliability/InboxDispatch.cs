using System.ComponentModel;

namespace EventDriven.Reliability;

/// <summary>Runs a handler through the inbox: called by generated dispatchers for handlers with <see cref="EventHandlerAttribute.Inbox"/>.</summary>
/// <remarks>
/// The mark is not awaited. Waiting for it to be durable would cost the consumer one disk sync per event (about 250 events/s with
/// SQLite and <c>synchronous=FULL</c>) and buys nothing: a crash before the mark is durable re-runs the handler on redelivery, which
/// is exactly what a crash between the handler and the mark does anyway (at-least-once, see docs/delivery-guarantees.md). Marks
/// still in flight are remembered per inbox, so an event redelivered before its mark commits is skipped too; a mark that fails is
/// counted (its event would run again on redelivery). Both numbers are in the bus's <see cref="Diagnostics.EventBusCounters"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InboxDispatch
{
    /// <summary>Handles <paramref name="event"/> with <paramref name="handler"/> unless <paramref name="consumer"/> already handled its id; records the id after success.</summary>
    public static async ValueTask HandleOnceAsync<THandler, TEvent>(IInbox inbox, string consumer, THandler handler, TEvent @event, CancellationToken cancellationToken)
        where THandler : IEventHandler<TEvent>
        where TEvent : IEvent
    {
        InboxMarkTracker marks = InboxMarkTracker.For(inbox);
        Guid eventId = @event.Id;
        if (marks.IsMarking(consumer, eventId) || await inbox.HasProcessedAsync(consumer, eventId, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await handler.HandleAsync(@event, cancellationToken).ConfigureAwait(false);
        ValueTask<bool> mark;
        try
        {
            mark = inbox.MarkProcessedAsync(consumer, eventId, CancellationToken.None);
        }
        catch (Exception)
        {
            // The handler succeeded; failing to record it must not make the bus retry it (e.g. an inbox disposed during shutdown).
            marks.CountFailure();
            return;
        }

        if (mark.IsCompleted)
        {
            Observe(mark, marks);
            return;
        }

        marks.Track(consumer, eventId, mark.AsTask());
    }

    /// <summary>The inbox from <paramref name="services"/>, or a clear error naming the handler that needs one.</summary>
    public static IInbox Resolve(IServiceProvider services, string consumer)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService(typeof(IInbox)) as IInbox
            ?? throw new InvalidOperationException($"Handler {consumer} has [EventHandler(Inbox = true)] but no IInbox is registered. Call services.AddEventDrivenSqlite(...) for a durable inbox, or register EventDriven.Reliability.InMemoryInbox for tests.");
    }

    private static void Observe(ValueTask<bool> mark, InboxMarkTracker marks)
    {
        try
        {
            mark.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            marks.CountFailure();
        }
    }
}
