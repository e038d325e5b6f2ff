using EventDriven.Dispatch;
using EventDriven.Reliability;
using EventDriven.Ring;
using EventDriven.Serialization;

namespace EventDriven.Store;

/// <summary>
/// Store-and-publish: appends what the bus publishes to the <see cref="IEventStore"/>. A ring consumer hands it each batch it
/// takes (one append per stream, all in flight together, so a group-committing store writes the batch in one transaction); the
/// inline bus hands it single events.
/// </summary>
/// <remarks>
/// Nothing is dropped: an event the store rejects for itself (too large, not serializable) is dead-lettered under
/// <see cref="HandlerName"/> and the rest of its batch is stored; any other failure (disk full, database locked) is retried through
/// the runtime's one <see cref="RetryLoop"/> as <see cref="EventDrivenOptions.StoreRetryPolicy"/> says, and dead-lettered only
/// after the last retry.
/// </remarks>
internal sealed class EventStoreWriter(IEventStore store, Func<IEvent, string>? streamSelector, HandlerFailurePolicy deadLetters, RetryPolicy retry, TimeProvider? time = null)
{
    /// <summary>The handler name under which events the store could not take are dead-lettered.</summary>
    public const string HandlerName = "EventDriven.EventStore";

    private readonly Func<IEvent, string> _streamOf = streamSelector ?? EventStoreExtensions.DefaultStreamId;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, List<EventToAppend>> _byStream = new(StringComparer.Ordinal);
    private readonly Stack<List<EventToAppend>> _spareLists = new();
    private readonly List<Task> _appends = [];
    private long _stored;
    private long _rejected;
    private long _retries;

    /// <summary>Events appended (duplicates included: they are in the store).</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Events the store did not take, dead-lettered instead.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Appends that failed and were tried again.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>A writer for another consumer, over the same store (each consumer owns its batch buffers).</summary>
    public EventStoreWriter ForConsumer() => new(store, streamSelector, deadLetters, retry, _time);

    /// <summary>Appends ring slots <paramref name="from"/>..<paramref name="to"/> and waits for the store. Runs on the consumer thread.</summary>
    public void StoreRange(EventRing ring, long from, long to, CancellationToken abort)
    {
        for (long sequence = from; sequence <= to; sequence++)
        {
            RouteBase route = ring.SlotAt(sequence).Route!;
            IEvent @event = route.ReadEvent(ring, sequence);
            EventToAppend item = ring.TryGetContext(sequence, out EventRing.SlotContext context) && context.CausationId != Guid.Empty
                ? new EventToAppend(@event, context.CausationId, context.CorrelationId == Guid.Empty ? context.CausationId : context.CorrelationId)
                : new EventToAppend(@event, null, @event.Id);
            string stream = _streamOf(@event);
            if (!_byStream.TryGetValue(stream, out List<EventToAppend>? list))
            {
                list = _spareLists.Count > 0 ? _spareLists.Pop() : [];
                _byStream.Add(stream, list);
            }

            list.Add(item);
        }

        bool completed = false;
        try
        {
            foreach (KeyValuePair<string, List<EventToAppend>> group in _byStream)
            {
                _appends.Add(AppendAsync(group.Key, group.Value, abort));
            }

            // The consumer is a dedicated thread: blocking it is the back-pressure a durable store needs.
            Task.WhenAll(_appends).GetAwaiter().GetResult();
            completed = true;
        }
        finally
        {
            _appends.Clear();
            foreach (List<EventToAppend> list in _byStream.Values)
            {
                // A cancelled append may still sit in the store's queue holding its list: only lists whose appends finished are reused.
                if (completed)
                {
                    list.Clear();
                    _spareLists.Push(list);
                }
            }

            _byStream.Clear();
        }
    }

    /// <summary>Appends one event published inline, linked to the handler that published it (if any).</summary>
    public Task StoreOneAsync(IEvent @event, CancellationToken cancellationToken)
        => StoreOneAsync(EventToAppend.LinkedToCurrentHandler(@event), cancellationToken);

    /// <summary>Appends one event published or received on the calling thread, with the causation <paramref name="item"/> names.</summary>
    public Task StoreOneAsync(EventToAppend item, CancellationToken cancellationToken)
        => AppendAsync(_streamOf(item.Event), [item], cancellationToken);

    private async Task AppendAsync(string stream, IReadOnlyList<EventToAppend> items, CancellationToken abort)
    {
        try
        {
            await store.AppendAsync(stream, items, ExpectedVersion.Any, abort).ConfigureAwait(false);
            Interlocked.Add(ref _stored, items.Count);
        }
        catch (Exception exception) when (exception is EventTooLargeException or EventSerializationException)
        {
            // One event is at fault: store the others one by one, so only the bad one is set aside.
            if (items.Count == 1)
            {
                await RejectAsync(items[0].Event, exception, attempts: 1).ConfigureAwait(false);
                return;
            }

            foreach (EventToAppend item in items)
            {
                await AppendAsync(stream, [item], abort).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            await RetryAppendAsync(stream, items, exception, abort).ConfigureAwait(false);
        }
    }

    /// <summary>The store failed for a reason of its own (disk full, database locked): retry, then dead-letter every event of the append.</summary>
    private async Task RetryAppendAsync(string stream, IReadOnlyList<EventToAppend> items, Exception failure, CancellationToken abort)
    {
        RetryOutcome outcome = await RetryLoop.RetryAsync(
            retry,
            _time,
            failure,
            static (append, ct) => new ValueTask(append.Store.AppendAsync(append.Stream, append.Items, ExpectedVersion.Any, ct).AsTask()),
            (Store: store, Stream: stream, Items: items),
            onFailure: null,
            abort).ConfigureAwait(false);
        Interlocked.Add(ref _retries, outcome.Attempts - 1);
        if (outcome.Succeeded)
        {
            Interlocked.Add(ref _stored, items.Count);
            return;
        }

        if (outcome.Cancelled)
        {
            throw new OperationCanceledException(abort);
        }

        foreach (EventToAppend item in items)
        {
            await RejectAsync(item.Event, outcome.LastFailure!, outcome.Attempts).ConfigureAwait(false);
        }
    }

    private async Task RejectAsync(IEvent @event, Exception exception, int attempts)
    {
        Interlocked.Increment(ref _rejected);
        await deadLetters.DeadLetterAsync(new DeadLetter(@event, HandlerName, exception, attempts, _time.GetUtcNow())).ConfigureAwait(false);
    }
}
