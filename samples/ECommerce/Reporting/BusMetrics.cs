using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ECommerce.Reporting;

/// <summary>
/// Counts what the bus reports on its "EventDriven" meter, per event type: events published, handled, handler failures (retries
/// included) and dead letters. Listens only to the meters of one <see cref="RunMeterFactory"/>.
/// </summary>
public sealed class BusMetrics : IDisposable
{
    private const string EventTypeTag = "messaging.destination.name";
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, StrongBox>[] _counts = [new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal)];
    private readonly Dictionary<string, int> _instruments = new(StringComparer.Ordinal)
    {
        ["eventdriven.events.published"] = 0,
        ["eventdriven.events.handled"] = 1,
        ["eventdriven.handler.failures"] = 2,
        ["eventdriven.events.dead_lettered"] = 3,
    };

    private long _handledTotal;

    /// <summary>Starts listening to the bus meters created by <paramref name="scope"/>.</summary>
    public BusMetrics(RunMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && _instruments.TryGetValue(instrument.Name, out int index))
            {
                listener.EnableMeasurementEvents(instrument, _counts[index]);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Events accepted by the bus, per event type.</summary>
    public IReadOnlyDictionary<string, long> Published => Snapshot(0);

    /// <summary>Events every handler finished with, per event type.</summary>
    public IReadOnlyDictionary<string, long> Handled => Snapshot(1);

    /// <summary>Handler calls that threw (retries included), per event type.</summary>
    public IReadOnlyDictionary<string, long> Failures => Snapshot(2);

    /// <summary>Events a handler gave up on, per event type.</summary>
    public IReadOnlyDictionary<string, long> DeadLettered => Snapshot(3);

    /// <summary>Events handled so far, all types together (cheap to read: the progress display polls it).</summary>
    public long HandledTotal => Volatile.Read(ref _handledTotal);

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var counts = (ConcurrentDictionary<string, StrongBox>)state!;
        string eventType = "?";
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == EventTypeTag && tag.Value is string name)
            {
                eventType = name;
                break;
            }
        }

        if (!counts.TryGetValue(eventType, out StrongBox? box))
        {
            box = counts.GetOrAdd(eventType, static _ => new StrongBox());
        }

        Interlocked.Add(ref box.Value, measurement);
        if (ReferenceEquals(counts, _counts[1]))
        {
            Interlocked.Add(ref _handledTotal, measurement);
        }
    }

    private Dictionary<string, long> Snapshot(int index)
        => _counts[index].ToDictionary(static p => p.Key, static p => Volatile.Read(ref p.Value.Value), StringComparer.Ordinal);

    /// <summary>A counter cell updated with <see cref="Interlocked"/>.</summary>
    private sealed class StrongBox
    {
        public long Value;
    }
}
