using System.ComponentModel;

namespace EventDriven.Reliability;

/// <summary>Runs a handler through the inbox: called by generated dispatchers for handlers with <see cref="EventHandlerAttribute.Inbox"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InboxDispatch
{
    /// <summary>Handles <paramref name="event"/> with <paramref name="handler"/> unless <paramref name="consumer"/> already handled its id; records the id after success.</summary>
    public static async ValueTask HandleOnceAsync<THandler, TEvent>(IInbox inbox, string consumer, THandler handler, TEvent @event, CancellationToken cancellationToken)
        where THandler : IEventHandler<TEvent>
        where TEvent : IEvent
    {
        Guid id = @event.Id;
        if (await inbox.HasProcessedAsync(consumer, id, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await handler.HandleAsync(@event, cancellationToken).ConfigureAwait(false);
        await inbox.MarkProcessedAsync(consumer, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The inbox from <paramref name="services"/>, or a clear error naming the handler that needs one.</summary>
    public static IInbox Resolve(IServiceProvider services, string consumer)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService(typeof(IInbox)) as IInbox
            ?? throw new InvalidOperationException($"Handler {consumer} has [EventHandler(Inbox = true)] but no IInbox is registered. Call services.AddEventDrivenSqlite(...) for a durable inbox, or register EventDriven.Reliability.InMemoryInbox for tests.");
    }
}
