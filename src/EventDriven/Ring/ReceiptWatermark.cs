namespace EventDriven.Ring;

/// <summary>
/// How far each partition's consumer has got through all its stages, so a received event's receipt can wait for the events its
/// handlers published.
/// </summary>
/// <remarks>
/// <para>
/// A transport acknowledges a message when its receipt completes. If that happened as soon as the handlers returned, the events they
/// published into the ring (in this partition or another) could still be waiting: not stored (a crash right after the
/// acknowledgement loses them and the outbox rows they carry), and not handled here (a saga that starts on one of them would never
/// start, nothing dispatches a stored event again after a restart). So a receipt completes only once every partition's consumer has
/// finished every stage (stored, handled) up to the sequence it had claimed when the received event's handlers finished. Then the
/// <see cref="Transport.IReceiptBarrier"/>s (write-behind parts such as the saga store) are flushed: what those handlers wrote
/// behind is durable too. Costs nothing while no receipt waits.
/// </para>
/// <para>
/// The snapshot covers the received event's direct follow-ups; events their own handlers publish later (a second generation) are
/// claimed after it and are not waited for. And it waits for every partition: one stuck in a slow handler delays receipts of all.
/// </para>
/// </remarks>
internal sealed class ReceiptWatermark
{
    private readonly Lock _gate = new();
    private readonly List<Waiting> _waiting = [];
    private readonly long[] _finished;
    private readonly Transport.IReceiptBarrier[] _barriers;
    private EventRing[] _rings = [];
    private volatile int _waitingCount;
    private bool _failed;

    public ReceiptWatermark(int partitions, Transport.IReceiptBarrier[] barriers)
    {
        _finished = new long[partitions];
        Array.Fill(_finished, -1L);
        _barriers = barriers;
    }

    /// <summary>The rings whose claimed sequences the receipts wait for; set once the group exists.</summary>
    public void Attach(EventRing[] rings) => _rings = rings;

    /// <summary>Called by partition <paramref name="partition"/>'s last stage once every stage is done with everything up to <paramref name="finishedTo"/>.</summary>
    public void Advance(int partition, long finishedTo)
    {
        Volatile.Write(ref _finished[partition], finishedTo);
        if (_waitingCount != 0)
        {
            CompleteFinished();
        }
    }

    private void CompleteFinished()
    {
        List<DeliveryReceipt>? ready = null;
        lock (_gate)
        {
            for (int i = _waiting.Count - 1; i >= 0; i--)
            {
                if (IsFinished(_waiting[i].Targets))
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

    /// <summary>Completes <paramref name="receipts"/> once everything published up to now, in every partition, went through every stage.</summary>
    public void CompleteWhenFinished(List<DeliveryReceipt> receipts)
    {
        var targets = new long[_rings.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = _rings[i].Sequencer.ClaimedSequence;
        }

        if (IsFinished(targets))
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

        // Checked again outside the lock: a consumer may have advanced between the first check and the enqueue.
        if (receipts.Count > 0)
        {
            Fail(receipts);
        }
        else
        {
            CompleteFinished();
        }
    }

    /// <summary>The bus stopped: receipts still waiting will not be finished by this process; fail them so the transport redelivers.</summary>
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
            "The bus stopped before the events published while handling this received event were stored and handled; do not acknowledge it: let it be redelivered.")));

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

    private bool IsFinished(long[] targets)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (Volatile.Read(ref _finished[i]) < targets[i])
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Waiting(long[] Targets, DeliveryReceipt[] Receipts);
}
