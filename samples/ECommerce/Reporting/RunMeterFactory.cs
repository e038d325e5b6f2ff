using System.Diagnostics.Metrics;

namespace ECommerce.Reporting;

/// <summary>
/// The <see cref="IMeterFactory"/> of one run: its meters carry this factory as their scope, so <see cref="BusMetrics"/> listens to
/// this run's bus only, even when several runs share a process (the tests).
/// </summary>
public sealed class RunMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    /// <inheritdoc />
    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_meters)
        {
            foreach (Meter meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
