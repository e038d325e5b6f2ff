using System.Diagnostics.Metrics;
using EventDriven.Store;

namespace EventDriven.Ring;

/// <summary>
/// The rings of a ring-buffer bus and their consumers: one ring and one <see cref="EventProcessor"/> per partition, each consumer
/// with its own chain of <see cref="IConsumerStage"/>s. Owns their start, stop and drain, and the gauges read from them.
/// </summary>
internal sealed class ConsumerGroup
{
    private readonly EventProcessor[] _processors;
    private readonly StoreStage[] _stores;
    private volatile bool _stopping;
    private volatile bool _stopped;

    /// <summary>Creates <paramref name="options"/>' partitions; <paramref name="stagesOf"/> composes each consumer's stages.</summary>
    public ConsumerGroup(EventDrivenOptions options, Func<IConsumerStage[]> stagesOf)
    {
        Rings = new EventRing[options.Partitions];
        _processors = new EventProcessor[Rings.Length];
        var stores = new List<StoreStage>();
        for (int i = 0; i < Rings.Length; i++)
        {
            Rings[i] = new EventRing(options.RingBufferCapacity, options.ProducerType, i);
            IConsumerStage[] stages = stagesOf();
            stores.AddRange(stages.OfType<StoreStage>().Distinct());
            _processors[i] = new EventProcessor(Rings[i], options.WaitStrategy, stages);
        }

        _stores = [.. stores];
    }

    /// <summary>One ring per partition, indexed by partition.</summary>
    public EventRing[] Rings { get; }

    /// <summary>True once stopping began: a publish that lands after its consumer exited must drain it itself.</summary>
    public bool Stopping => _stopping;

    /// <summary>True once every consumer has exited: a producer waiting for space will never get it.</summary>
    public bool Stopped => _stopped;

    public long Abandoned => _processors.Sum(static p => p.Abandoned);

    /// <summary>The abandoned events still readable when they were given up, by id and type, partition by partition.</summary>
    public Diagnostics.AbandonedEvent[] AbandonedEvents => [.. _processors.SelectMany(static p => p.AbandonedEvents)];

    public long Faults => _processors.Sum(static p => p.Faults);

    public long Depth => Rings.Sum(static r => r.Depth);

    public long Stored => _stores.Sum(static s => s.Writer.Stored);

    public long StoreRejected => _stores.Sum(static s => s.Writer.Rejected);

    public void Start()
    {
        foreach (EventProcessor processor in _processors)
        {
            processor.Start();
        }
    }

    /// <summary>Lets every consumer finish what was published, up to <paramref name="timeout"/>, then cancels the handlers.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _stopping = true;
        try
        {
            await Task.WhenAll(_processors.Select(p => p.StopAsync(timeout, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            _stopped = true;
        }
    }

    /// <summary>Called after a publish that raced with stop: runs what its consumer left behind, if that consumer has exited.</summary>
    public void DrainAfterExit(int partition) => _processors[partition].DrainAfterExit();

    public IEnumerable<Measurement<long>> QueueDepths()
        => Rings.Select(static r => new Measurement<long>(r.Depth, new KeyValuePair<string, object?>("eventdriven.partition", r.Partition)));

    public IEnumerable<Measurement<long>> ConsumerLags()
        => _processors.Select(static p => new Measurement<long>(p.Lag, new KeyValuePair<string, object?>("eventdriven.partition", p.Ring.Partition)));
}
