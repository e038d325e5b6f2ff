namespace EventDriven.Ring;

/// <summary>
/// The last consumer stage: completes the <see cref="DeliveryReceipt"/>s of received events in the batch, after every earlier stage
/// (store, dispatch) finished with them, so a transport acknowledges a message only once this process is done with it. Costs one
/// read per batch while nothing was received. With a <see cref="ReceiptWatermark"/> (the bus stores events, or has receipt barriers)
/// the receipts complete through it: once the events the handlers published went through every stage too.
/// </summary>
internal sealed class ReceiptStage(ReceiptWatermark? watermark = null) : IConsumerStage
{
    private readonly List<DeliveryReceipt> _batch = [];

    public bool Process(EventProcessor consumer, long from, long to, CancellationToken abort)
    {
        EventRing ring = consumer.Ring;

        // Every stage before this one is done with the batch: receipts waiting for these sequences may complete.
        watermark?.Advance(ring.Partition, to);
        if (!ring.HasReceipts)
        {
            return true;
        }

        for (long sequence = from; sequence <= to; sequence++)
        {
            if (ring.TakeReceipt(sequence) is not { } receipt)
            {
                continue;
            }

            if (watermark is null)
            {
                receipt.TrySetResult();
            }
            else
            {
                _batch.Add(receipt);
            }
        }

        if (_batch.Count > 0)
        {
            watermark!.CompleteWhenFinished(_batch);
            _batch.Clear();
        }

        return true;
    }

    public void Abandoned(EventProcessor consumer, long from, long to)
    {
        EventRing ring = consumer.Ring;
        for (long sequence = from; sequence <= to && ring.HasReceipts; sequence++)
        {
            ring.TakeReceipt(sequence)?.TrySetException(new OperationCanceledException(
                $"The bus stopped (its stop timeout passed) before partition {ring.Partition} finished this received event; it may have been handled in part. Do not acknowledge it: let it be redelivered."));
        }
    }
}
