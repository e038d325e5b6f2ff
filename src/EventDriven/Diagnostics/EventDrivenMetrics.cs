using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EventDriven.Diagnostics;

/// <summary>
/// The bus's instruments, on the <c>Meter</c> named <see cref="MeterName"/> (created through <see cref="IMeterFactory"/> when
/// dependency injection provides one). Names follow OpenTelemetry's messaging conventions where they fit.
/// </summary>
/// <remarks>
/// Every recording first checks <see cref="Instrument.Enabled"/>, so with no listener the hot path pays one field read and
/// allocates nothing; tags are built in a <see cref="TagList"/> (a struct) only when someone listens.
/// </remarks>
internal sealed class EventDrivenMetrics : IDisposable
{
    public const string MeterName = "EventDriven";

    private readonly Meter _meter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _handled;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _dropped;
    private readonly Histogram<double> _processDuration;

    public EventDrivenMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<long>>> queueDepth, Func<IEnumerable<Measurement<long>>> consumerLag, Func<EventBusCounters> counters)
    {
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _published = _meter.CreateCounter<long>("eventdriven.events.published", "{event}", "Events accepted by the bus.");
        _handled = _meter.CreateCounter<long>("eventdriven.events.handled", "{event}", "Events every handler has finished with (after retries).");
        _failed = _meter.CreateCounter<long>("eventdriven.handler.failures", "{failure}", "Handler calls that threw, retries included.");
        _deadLettered = _meter.CreateCounter<long>("eventdriven.events.dead_lettered", "{event}", "Events a handler gave up on, handed to the dead-letter sink.");
        _dropped = _meter.CreateCounter<long>("eventdriven.events.dropped", "{event}", "Events discarded because the ring was full and BackpressureMode.Drop is in force.");
        _processDuration = _meter.CreateHistogram<double>("messaging.process.duration", "s", "Time from taking an event off the ring to every handler finishing.");
        _meter.CreateObservableGauge("eventdriven.queue.depth", queueDepth, "{event}", "Events published but not yet consumed, per partition.");
        _meter.CreateObservableGauge("eventdriven.consumer.lag", consumerLag, "{event}", "Events published that the consumer has not started yet, per partition.");

        // The bus's own counts (EventBusCounters), observed rather than counted twice: the meter and IEventBus.Counters cannot disagree.
        _meter.CreateObservableCounter("eventdriven.events.stored", () => counters().Stored, "{event}", "Events appended to the event store by store-and-publish.");
        _meter.CreateObservableCounter("eventdriven.events.store_rejected", () => counters().StoreRejected, "{event}", "Events the event store refused, dead-lettered under EventDriven.EventStore.");
        _meter.CreateObservableCounter("eventdriven.events.abandoned", () => counters().Abandoned, "{event}", "Events still in a ring when the stop timeout cancelled the consumers.");
        _meter.CreateObservableCounter("eventdriven.consumer.faults", () => counters().ConsumerFaults, "{fault}", "Exceptions a consumer survived that were not handler failures.");
        _meter.CreateObservableCounter("eventdriven.inbox.mark_failures", () => counters().InboxMarkFailures, "{mark}", "Inbox marks that failed after their handler succeeded.");
        _meter.CreateObservableUpDownCounter("eventdriven.inbox.marks_in_flight", () => counters().InboxMarksInFlight, "{mark}", "Inbox marks written and not yet confirmed by the inbox.");
    }

    public bool ProcessDurationEnabled => _processDuration.Enabled;

    public void RecordPublished(string eventType, int count = 1)
    {
        if (_published.Enabled)
        {
            _published.Add(count, Tags(eventType, "send"));
        }
    }

    public void RecordDropped(string eventType)
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(1, Tags(eventType, "send"));
        }
    }

    public void RecordHandled(string eventType, long startTimestamp)
    {
        if (_handled.Enabled)
        {
            _handled.Add(1, Tags(eventType, "process"));
        }

        if (startTimestamp != 0 && _processDuration.Enabled)
        {
            _processDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, Tags(eventType, "process"));
        }
    }

    public void RecordFailure(string eventType, string handlerName)
    {
        if (_failed.Enabled)
        {
            TagList tags = Tags(eventType, "process");
            tags.Add("eventdriven.handler", handlerName);
            _failed.Add(1, tags);
        }
    }

    public void RecordDeadLetter(string eventType, string handlerName)
    {
        if (_deadLettered.Enabled)
        {
            TagList tags = Tags(eventType, "process");
            tags.Add("eventdriven.handler", handlerName);
            _deadLettered.Add(1, tags);
        }
    }

    public void Dispose() => _meter.Dispose();

    private static TagList Tags(string eventType, string operation) => new()
    {
        { "messaging.system", "eventdriven" },
        { "messaging.destination.name", eventType },
        { "messaging.operation.type", operation },
    };
}
