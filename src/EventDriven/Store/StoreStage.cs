using EventDriven.Ring;

namespace EventDriven.Store;

/// <summary>
/// Store-and-publish as a consumer stage: appends each batch to the event store through the consumer's own
/// <see cref="EventStoreWriter"/>. Composed before <see cref="DispatchStage"/> for <see cref="EventStorage.BeforeDispatch"/> (nothing
/// is handled that is not stored) and after it for <see cref="EventStorage.AfterDispatch"/>.
/// </summary>
internal sealed class StoreStage(EventStoreWriter writer, EventStorage when) : IConsumerStage
{
    /// <summary>The writer of this consumer (its counts feed the bus's <see cref="Diagnostics.EventBusCounters.Stored"/>).</summary>
    public EventStoreWriter Writer => writer;

    public bool Process(EventProcessor consumer, long from, long to, CancellationToken abort)
    {
        try
        {
            writer.StoreRange(consumer.Ring, from, to, abort);
            return true;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            if (when == EventStorage.BeforeDispatch)
            {
                consumer.Abandon(from, to); // not stored, so not handled either
            }

            return false;
        }
        catch (Exception)
        {
            // The writer retries and dead-letters by itself; what reaches here is a bug or a failing fallback. Keep consuming.
            consumer.CountFault();
            return true;
        }
    }
}
