using System.Runtime.CompilerServices;
using EventDriven.Diagnostics;
using EventDriven.Dispatch;
using EventDriven.Store;

namespace EventDriven.Ring;

/// <summary>
/// The producer side of a ring-buffer bus: claims a slot in the event's partition, writes and publishes it, and applies the event
/// type's <see cref="BackpressureMode"/> when the ring is full (wait, fail, drop). Never overwrites an unconsumed slot.
/// </summary>
internal sealed class RingPublisher(ConsumerGroup consumers, EventDrivenMetrics metrics, InlineStoreAndPublish? inlineStore)
{
    private long _dropped;

    /// <summary>Events discarded because a ring was full under <see cref="BackpressureMode.Drop"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ValueTask Enqueue<TEvent>(EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        EventRing[] rings = consumers.Rings;
        EventRing ring = rings[route.PartitionOf(@event, rings.Length)];
        if (!ring.Sequencer.TryClaim(1, out long sequence))
        {
            return PublishWhenFullAsync(ring, route, @event, cancellationToken);
        }

        Commit(ring, route, @event, sequence);
        return default;
    }

    /// <summary>
    /// Publishes a batch into a single-partition ring: as many events as the ring has room for are claimed and published with one
    /// sequence operation, which is what makes batch publishing faster than a loop.
    /// </summary>
    public async ValueTask PublishBatchAsync<TEvent>(EventRoute<TEvent> route, ReadOnlyMemory<TEvent> events, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        EventRing ring = consumers.Rings[0];
        int published = 0;
        while (published < events.Length)
        {
            int claimed = ring.Sequencer.TryClaimUpTo(events.Length - published, out long high);
            if (claimed == 0)
            {
                // The ring is full: one event goes through the backpressure path (wait, fail or drop), then claiming resumes.
                await PublishWhenFullAsync(ring, route, events.Span[published], cancellationToken).ConfigureAwait(false);
                published++;
                continue;
            }

            WriteBatch(ring, route, events.Span.Slice(published, claimed), high);
            published += claimed;
        }

        if (consumers.Stopping)
        {
            consumers.DrainAfterExit(0);
        }
    }

    /// <summary>
    /// Writes and publishes a claimed slot. Every single-event publish ends here, so the check after it covers them all: a publish
    /// that raced with stop and landed after the consumer exited is drained on this thread instead of being left in the ring.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit<TEvent>(EventRing ring, EventRoute<TEvent> route, TEvent @event, long sequence)
        where TEvent : IEvent
    {
        ring.Write(sequence, route, @event);
        PublishWritten(ring, route, sequence);
    }

    /// <summary>Publishes a written slot, counts it, and drains on this thread if the consumer exited meanwhile (a race with stop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PublishWritten(EventRing ring, RouteBase route, long sequence)
    {
        ring.Sequencer.Publish(sequence, sequence);
        metrics.RecordPublished(route.EventTypeName);
        if (consumers.Stopping)
        {
            consumers.DrainAfterExit(ring.Partition);
        }
    }

    private void WriteBatch<TEvent>(EventRing ring, EventRoute<TEvent> route, ReadOnlySpan<TEvent> batch, long high)
        where TEvent : IEvent
    {
        long low = high - batch.Length + 1;
        for (int i = 0; i < batch.Length; i++)
        {
            ring.Write(low + i, route, batch[i]);
        }

        ring.Sequencer.Publish(low, high);
        metrics.RecordPublished(route.EventTypeName, batch.Length);
    }

    /// <summary>The ring is full: apply the event type's <see cref="BackpressureMode"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask PublishWhenFullAsync<TEvent>(EventRing ring, EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        switch (route.Backpressure)
        {
            case BackpressureMode.FailFast:
                return ValueTask.FromException(new RingBufferFullException(@event.EventType, ring.Capacity, ring.Partition));
            case BackpressureMode.Drop:
                Interlocked.Increment(ref _dropped);
                metrics.RecordDropped(route.EventTypeName);
                return default;
            default:
                if (EventProcessor.IsConsumerOf(ring))
                {
                    // A handler publishing into its own full ring would wait for itself forever: run the event here instead
                    // (stored first or after, as the consumer would have, so store-and-publish still records it).
                    metrics.RecordPublished(route.EventTypeName);
                    return InlineStoreAndPublish.DispatchAsync(inlineStore, route, @event, cancellationToken);
                }

                return WaitForSpaceAsync(ring, route, @event, cancellationToken);
        }
    }

    private async ValueTask WaitForSpaceAsync<TEvent>(EventRing ring, EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        long sequence = await WaitToClaimAsync(ring, cancellationToken).ConfigureAwait(false);
        Commit(ring, route, @event, sequence);
    }

    /// <summary>
    /// Queues a received event (<see cref="Transport.IEventReceiver"/>) with the ids it carried, waiting for space whatever the event
    /// type's backpressure (a received event is never dropped), and completes when the consumer's stages are done with it.
    /// </summary>
    public async ValueTask EnqueueReceivedAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, Transport.ReceivedEventContext context, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        EventRing[] rings = consumers.Rings;
        EventRing ring = rings[route.PartitionOf(@event, rings.Length)];
        if (!ring.Sequencer.TryClaim(1, out long sequence))
        {
            if (EventProcessor.IsConsumerOf(ring))
            {
                // Received from inside a handler of this full ring: waiting would wait for itself. Handle it here, as a publish would be.
                metrics.RecordPublished(route.EventTypeName);
                await InlineStoreAndPublish.DispatchAsync(inlineStore, route, @event, cancellationToken).ConfigureAwait(false);
                return;
            }

            sequence = await WaitToClaimAsync(ring, cancellationToken).ConfigureAwait(false);
        }

        var receipt = new DeliveryReceipt();
        ring.Write(sequence, route, @event);
        ring.AttachReceived(sequence, context, receipt);
        PublishWritten(ring, route, sequence);

        await receipt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="ring"/> has a free slot and claims it.</summary>
    private async ValueTask<long> WaitToClaimAsync(EventRing ring, CancellationToken cancellationToken)
    {
        Sequencer sequencer = ring.Sequencer;
        var spinner = new SpinWait();
        long sequence;
        while (!sequencer.TryClaim(1, out sequence))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (consumers.Stopped)
            {
                ThrowHelper.ThrowBusStopped();
            }

            if (!spinner.NextSpinWillYield || spinner.Count < 30)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            // Spinning did not help: sleep until the consumer frees slots. The waiter count is raised before the re-check, so a
            // consumer that frees slots after the re-check sees it and releases the semaphore: no wake-up is lost.
            sequencer.AddWaitingProducer();
            try
            {
                if (sequencer.TryClaim(1, out sequence))
                {
                    break;
                }

                // The timeout only bounds a permit taken by another waiter; progress normally comes from the release.
                await sequencer.SpaceSignal.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                sequencer.RemoveWaitingProducer();
            }
        }

        return sequence;
    }
}
