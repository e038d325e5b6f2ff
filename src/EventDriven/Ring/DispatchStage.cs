using System.Diagnostics;
using System.Runtime.CompilerServices;
using EventDriven.Diagnostics;
using EventDriven.Dispatch;

namespace EventDriven.Ring;

/// <summary>
/// The consumer stage that runs the handlers: each event of the batch through its slot's route, in sequence order, waiting for a
/// handler task that is not complete before the next event, so order holds per partition; a synchronously completed one costs
/// nothing extra.
/// </summary>
/// <remarks>
/// Handler failures never reach this stage (the route's failure policy retries and dead-letters them); what does is a fault of the
/// policy or the dead-letter sink (counted with <see cref="EventProcessor.CountFault"/>) or the stop timeout's cancellation.
/// </remarks>
internal sealed class DispatchStage(EventDrivenMetrics metrics) : IConsumerStage
{
    // Which stage the current thread runs, and with _dispatching which slot: what EventContext.Current reads.
    [ThreadStatic]
    private static DispatchStage? t_current;

    private EventRing? _ring;
    private long _dispatching = -1;

    /// <summary>The context of the event the calling thread is dispatching from a ring; <c>default</c> anywhere else.</summary>
    public static EventContext CurrentContext()
    {
        DispatchStage? stage = t_current;
        if (stage is null || stage._dispatching < 0)
        {
            return default;
        }

        long sequence = stage._dispatching;
        EventRing ring = stage._ring!;
        Guid id = ring.SlotAt(sequence).Route!.ReadEventId(ring, sequence);
        return ring.TryGetContext(sequence, out EventRing.SlotContext context)
            ? new EventContext(id, context.CorrelationId == Guid.Empty ? id : context.CorrelationId, context.CausationId)
            : new EventContext(id, id, Guid.Empty);
    }

    /// <summary>True while the calling thread dispatches an event from a ring (the only place a publish can have a causing event).</summary>
    public static bool OnConsumerThread
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current is { _dispatching: >= 0 };
    }

    public bool Process(EventProcessor consumer, long from, long to, CancellationToken abort)
    {
        EventRing ring = consumer.Ring;
        DispatchStage? previous = t_current;
        t_current = this;
        _ring = ring;
        try
        {
            for (long sequence = from; sequence <= to; sequence++)
            {
                if (abort.IsCancellationRequested)
                {
                    consumer.Abandon(sequence, to);
                    return false;
                }

                // The event stays in its slot while it is dispatched (EventContext.Current reads its id from there) and afterwards, until a
                // producer reuses the slot: at most Capacity handled events per ring stay reachable. Clearing it here would write to the
                // cache line the producer is filling a few slots ahead, and that false sharing cost more than the retained events.
                RouteBase route = ring.SlotAt(sequence).Route!;
                _dispatching = sequence;
                long start = metrics.ProcessDurationEnabled ? Stopwatch.GetTimestamp() : 0;
                ValueTask dispatch;
                try
                {
                    dispatch = route.Dispatch(ring, sequence, abort);
                }
                catch (Exception exception)
                {
                    dispatch = ValueTask.FromException(exception);
                }

                if (dispatch.IsCompletedSuccessfully)
                {
                    dispatch.GetAwaiter().GetResult();
                }
                else if (!WaitSlow(consumer, dispatch, abort))
                {
                    consumer.Abandon(sequence, to);
                    return false;
                }

                metrics.RecordHandled(route.EventTypeName, start);
            }

            return true;
        }
        finally
        {
            _dispatching = -1;
            t_current = previous;
        }
    }

    /// <returns>False when the stop timeout cancelled the dispatch.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool WaitSlow(EventProcessor consumer, ValueTask dispatch, CancellationToken abort)
    {
        try
        {
            dispatch.AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception)
        {
            consumer.CountFault();
        }

        return true;
    }
}
