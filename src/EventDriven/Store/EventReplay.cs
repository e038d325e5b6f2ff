using EventDriven.Serialization;

namespace EventDriven.Store;

/// <summary>
/// Feeds stored events through chosen handlers, e.g. to rebuild a projection: read a stream, a type or everything from a position
/// (<see cref="IEventStore.ReadAllAsync"/>), and hand each event to the handlers registered for its type, in store order.
/// </summary>
/// <remarks>
/// The bus is not involved: replayed events are not published again and not stored again. An event that cannot be read
/// (unknown type, newer schema, corrupt payload) or whose handler throws is recorded in the <see cref="ReplayResult"/> and the
/// replay goes on with the next one. Handlers must be idempotent or fresh (a projection rebuilt from scratch) for a replay to be
/// repeatable.
/// </remarks>
/// <example>
/// <code>
/// var projection = new OrderProjection();
/// ReplayResult result = await new EventReplay(store.Serializer)
///     .Handle&lt;OrderSubmitted&gt;(projection)
///     .Handle&lt;OrderFulfilled&gt;(projection)
///     .RunAsync(store.ReadAllAsync());
/// </code>
/// </example>
public sealed class EventReplay(IEventSerializer serializer)
{
    private readonly Dictionary<Type, List<Func<IEvent, CancellationToken, ValueTask>>> _handlers = [];
    private readonly List<Func<IEvent, StoredEvent, CancellationToken, ValueTask>> _catchAll = [];

    /// <summary>Hands every replayed <typeparamref name="TEvent"/> to <paramref name="handler"/>.</summary>
    public EventReplay Handle<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryGetValue(typeof(TEvent), out List<Func<IEvent, CancellationToken, ValueTask>>? list))
        {
            list = [];
            _handlers.Add(typeof(TEvent), list);
        }

        list.Add((e, ct) => handler.HandleAsync((TEvent)e, ct));
        return this;
    }

    /// <summary>Hands every replayed event, whatever its type, to <paramref name="handler"/> with its stored row (position, stream, version).</summary>
    public EventReplay HandleAll(Func<IEvent, StoredEvent, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _catchAll.Add(handler);
        return this;
    }

    /// <summary>Replays <paramref name="source"/> to the end.</summary>
    public async Task<ReplayResult> RunAsync(IAsyncEnumerable<StoredEvent> source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        long replayed = 0;
        long withoutHandler = 0;
        long lastPosition = 0;
        List<EventDeserializationException> unreadable = [];
        List<ReplayFailure> failures = [];
        await foreach (StoredEvent stored in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            lastPosition = stored.Position;
            IEvent @event;
            try
            {
                @event = serializer.Deserialize(stored);
            }
            catch (EventDeserializationException exception)
            {
                unreadable.Add(exception);
                continue;
            }

            bool handled = false;
            if (_handlers.TryGetValue(@event.GetType(), out List<Func<IEvent, CancellationToken, ValueTask>>? handlers))
            {
                foreach (Func<IEvent, CancellationToken, ValueTask> handler in handlers)
                {
                    handled = true;
                    await InvokeAsync(() => handler(@event, cancellationToken), stored, failures, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (Func<IEvent, StoredEvent, CancellationToken, ValueTask> handler in _catchAll)
            {
                handled = true;
                await InvokeAsync(() => handler(@event, stored, cancellationToken), stored, failures, cancellationToken).ConfigureAwait(false);
            }

            if (handled)
            {
                replayed++;
            }
            else
            {
                withoutHandler++;
            }
        }

        return new ReplayResult(replayed, withoutHandler, lastPosition, unreadable, failures);
    }

    private static async ValueTask InvokeAsync(Func<ValueTask> invoke, StoredEvent stored, List<ReplayFailure> failures, CancellationToken cancellationToken)
    {
        try
        {
            await invoke().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failures.Add(new ReplayFailure(stored, exception));
        }
    }
}

/// <summary>What a replay did.</summary>
/// <param name="Replayed">Events handed to at least one handler.</param>
/// <param name="WithoutHandler">Events read but with no handler registered for their type.</param>
/// <param name="LastPosition">The position of the last event read: resume a catch-up from it.</param>
/// <param name="Unreadable">Events that could not be deserialized, each with its typed error; skipped.</param>
/// <param name="Failures">Handler calls that threw; the replay went on.</param>
public sealed record ReplayResult(long Replayed, long WithoutHandler, long LastPosition, IReadOnlyList<EventDeserializationException> Unreadable, IReadOnlyList<ReplayFailure> Failures);

/// <summary>A handler that threw on a replayed event.</summary>
/// <param name="Stored">The event's stored row.</param>
/// <param name="Exception">What the handler threw.</param>
public sealed record ReplayFailure(StoredEvent Stored, Exception Exception);
