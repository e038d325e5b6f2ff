namespace EventDriven.Ring;

/// <summary>
/// How far each partition's store stage has stored, so a received event's receipt can wait for the events its handlers published.
/// </summary>
/// <remarks>
/// A transport acknowledges a message when its receipt completes. If that happened as soon as the handlers returned, the events they
/// published into the ring (in this partition or another) could still be waiting for the store stage: a crash right after the
/// acknowledgement would lose them, and with them everything downstream (the outbox rows they carry). So a receipt completes only
/// once every partition has stored up to the sequence it had claimed when the received event's handlers finished: everything
/// published by then, follow-ups included, is durable. Costs nothing while no receipt waits.
/// </remarks>
/// <remarks>
/// Then the <see cref="Transport.IReceiptBarrier"/>s (write-behind parts such as the saga store) are flushed before the receipts
/// complete: what the handlers handed them is durable too. Without a store stage only the barriers are waited for.
/// </remarks>
internal sealed class StoredWatermark
{
    private readonly Lock _gate = new();
    private readonly List<Waiting> _waiting = [];
    private readonly long[] _stored;
    private readonly bool _tracksStore;
    private readonly Transport.IReceiptBarrier[] _barriers;
    private EventRing[] _rings = [];
    private volatile int _waitingCount;
    private bool _failed;

    public StoredWatermark(int partitions, bool tracksStore, Transport.IReceiptBarrier[] barriers)
    {
        _stored = new long[partitions];
        Array.Fill(_stored, -1L);
        _tracksStore = tracksStore;
        _barriers = barriers;
    }

    /// <summary>Groups of receipts still waiting for a store stage (tests and diagnostics).</summary>
    public int WaitingGroups => _waitingCount;

    /// <summary>The rings whose claimed sequences the receipts wait for; set once the group exists.</summary>
    public void Attach(EventRing[] rings) => _rings = rings;

    /// <summary>Called by partition <paramref name="partition"/>'s store stage once everything up to <paramref name="storedTo"/> is stored (or dead-lettered).</summary>
    public void Advance(int partition, long storedTo)
    {
        Volatile.Write(ref _stored[partition], storedTo);
        if (_waitingCount != 0)
        {
            CompleteStored();
        }
    }

    private void CompleteStored()
    {
        List<DeliveryReceipt>? ready = null;
        lock (_gate)
        {
            for (int i = _waiting.Count - 1; i >= 0; i--)
            {
                if (IsStored(_waiting[i].Targets))
                {
                    (ready ??= []).AddRange(_waiting[i].Receipts);

                    _waiting.RemoveAt(i);
                }
            }

            _waitingCount = _waiting.Count;
        }


        if (ready is not null)
        {
            Complete(ready);
        }
    }

    /// <summary>Completes <paramref name="receipts"/> once everything published up to now, in every partition, is stored.</summary>
    public void CompleteWhenStored(List<DeliveryReceipt> receipts)
    {
        var targets = new long[_rings.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = _rings[i].Sequencer.ClaimedSequence;
        }

        if (IsStored(targets))
        {
            Complete([.. receipts]);
            return;
        }

        lock (_gate)
        {
            if (!_failed)
            {
                _waiting.Add(new Waiting(targets, [.. receipts]));
                _waitingCount = _waiting.Count;
                receipts = [];
            }
        }

        // Checked again outside the lock: a store stage may have advanced between the first check and the enqueue.
        if (receipts.Count > 0)
        {
            Fail(receipts);
        }
        else
        {
            CompleteStored();
        }
    }

    /// <summary>The bus stopped: receipts still waiting will not be stored by this process; fail them so the transport redelivers.</summary>
    public void FailWaiting()
    {
        List<DeliveryReceipt> failed = [];
        lock (_gate)
        {
            _failed = true;
            foreach (Waiting waiting in _waiting)
            {
                failed.AddRange(waiting.Receipts);
            }

            _waiting.Clear();
            _waitingCount = 0;
        }

        Fail(failed);
    }

    private static void Fail(List<DeliveryReceipt> receipts)
        => receipts.ForEach(static r => r.TrySetException(new OperationCanceledException(
            "The bus stopped before the events published while handling this received event were stored; do not acknowledge it: let it be redelivered.")));

    /// <summary>Completes <paramref name="receipts"/> now, or once every barrier flushed (failing them if one cannot).</summary>
    private void Complete(List<DeliveryReceipt> receipts)
    {
        // Continuations run asynchronously (DeliveryReceipt), so completing here never runs a transport's code on the consumer.
        if (_barriers.Length == 0)
        {
            receipts.ForEach(static r => r.TrySetResult());
            return;
        }

        _ = FlushThenCompleteAsync(receipts);
    }

    private async Task FlushThenCompleteAsync(List<DeliveryReceipt> receipts)
    {
        try
        {
            foreach (Transport.IReceiptBarrier barrier in _barriers)
            {
                await barrier.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            var failure = new OperationCanceledException(
                "What the handlers of this received event wrote behind could not be made durable; do not acknowledge it: let it be redelivered.", exception);
            receipts.ForEach(r => r.TrySetException(failure));
            return;
        }

        receipts.ForEach(static r => r.TrySetResult());
    }

    private bool IsStored(long[] targets)
    {
        if (!_tracksStore)
        {
            return true;
        }

        for (int i = 0; i < targets.Length; i++)
        {
            if (Volatile.Read(ref _stored[i]) < targets[i])
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Waiting(long[] Targets, DeliveryReceipt[] Receipts);
}
