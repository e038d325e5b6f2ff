using System.Diagnostics.Metrics;
using EventDriven.Serialization;
using EventDriven.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Projections;

/// <summary>
/// Runs one <see cref="IProjection{TWriter}"/>: follows <see cref="IEventStore.ReadAllAsync"/> from the projection's checkpoint and
/// commits each batch of its writes with the new checkpoint in one transaction (<see cref="IProjectionCheckpoints{TWriter}.CommitAsync"/>).
/// Killed at any moment, it starts again from the last committed checkpoint: no event lost, none applied twice.
/// </summary>
/// <remarks>
/// <para>
/// Positions are read in order and never skipped: SQLite assigns them under its single write lock, and
/// <c>PostgresEventStore</c> assigns them in commit order (see <c>docs/postgresql.md</c>), so an event committed late never appears
/// behind a checkpoint that has already passed its position.
/// </para>
/// <para>
/// Two runners of the same projection (two processes) are safe: each commit checks that the checkpoint is still where the runner
/// left it, so a batch is committed by one of them only; the other loads the checkpoint again and goes on from there.
/// </para>
/// <para>Lag (events stored but not yet projected) is reported as <see cref="Lag"/> and the gauge <c>eventdriven.projection.lag</c>.</para>
/// </remarks>
/// <typeparam name="TWriter">What the projection writes through.</typeparam>
public sealed class ProjectionRunner<TWriter> : IProjectionRunner
{
    private readonly IEventStore _store;
    private readonly IProjection<TWriter> _projection;
    private readonly IProjectionCheckpoints<TWriter> _checkpoints;
    private readonly ProjectionRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _name;
    private int _busy;
    private bool _setUp;
    private long _checkpoint;
    private long _head;
    private long _applied;
    private long _skipped;
    private long _faults;

    /// <summary>Creates a runner; nothing is read until <see cref="CatchUpAsync"/>, <see cref="RunAsync"/> or <see cref="RebuildAsync"/>.</summary>
    /// <param name="store">The events.</param>
    /// <param name="projection">The read model.</param>
    /// <param name="checkpoints">Where its checkpoint is kept, in the read model's database.</param>
    /// <param name="options">Batch size, poll interval, unreadable events; defaults when null.</param>
    /// <param name="logger">Where skipped events, retried batches and a stop are reported.</param>
    /// <param name="meterFactory">Creates the <c>EventDriven</c> meter the lag gauge is on; a meter of its own when null.</param>
    /// <exception cref="ArgumentException">The projection has no name, or an option is out of range.</exception>
    public ProjectionRunner(
        IEventStore store,
        IProjection<TWriter> projection,
        IProjectionCheckpoints<TWriter> checkpoints,
        ProjectionRunnerOptions? options = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(checkpoints);
        _options = options ?? new ProjectionRunnerOptions();
        _options.Validate();
        _name = projection.Name;
        if (string.IsNullOrEmpty(_name))
        {
            throw new ArgumentException($"The projection {projection.GetType().FullName} has no Name; its checkpoint is kept under it.", nameof(projection));
        }

        _store = store;
        _projection = projection;
        _checkpoints = checkpoints;
        _time = _options.TimeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Meter meter = meterFactory?.Create(new MeterOptions(Diagnostics.EventDrivenMetrics.MeterName)) ?? new Meter(Diagnostics.EventDrivenMetrics.MeterName);
        meter.CreateObservableGauge(
            "eventdriven.projection.lag",
            () => new Measurement<long>(Lag, new KeyValuePair<string, object?>("projection", _name)),
            "{event}",
            "Events stored but not yet applied by the projection, as of its last read.");
    }

    /// <summary>The projection's name.</summary>
    public string Name => _name;

    /// <summary>The position of the last event committed to the read model (as of this runner's last load or commit).</summary>
    public long Checkpoint => Volatile.Read(ref _checkpoint);

    /// <summary>Events stored after <see cref="Checkpoint"/>, as of the runner's last read of the store's head; 0 when caught up.</summary>
    public long Lag => Math.Max(0, Volatile.Read(ref _head) - Volatile.Read(ref _checkpoint));

    /// <summary>Events this runner committed to the read model.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Unreadable events passed over (only with <see cref="ProjectionRunnerOptions.SkipUnreadableEvents"/>).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Reads or commits that failed and were tried again by <see cref="RunAsync"/>.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Applies every event stored after the checkpoint, batch by batch, until a read finds nothing new.</summary>
    /// <returns>How many events this call committed.</returns>
    /// <exception cref="ProjectionFailedException">An event could not be applied or read (see <see cref="ProjectionRunnerOptions.SkipUnreadableEvents"/>).</exception>
    /// <exception cref="InvalidOperationException">The runner is already running (one call at a time).</exception>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            return await CatchUpCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Empties the read model and sets the checkpoint to 0 in one transaction (<see cref="IProjection{TWriter}.Reset"/>), then catches
    /// up from the first event: what to do after changing what the projection computes.
    /// </summary>
    /// <returns>How many events the rebuild applied.</returns>
    public async Task<long> RebuildAsync(CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            await SetUpAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                long expected = await _checkpoints.LoadAsync(_name, cancellationToken).ConfigureAwait(false);
                try
                {
                    await _checkpoints.CommitAsync(_name, expected, 0, _projection.Reset, cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _checkpoint, 0);
                    break;
                }
                catch (ProjectionCheckpointConflictException conflict)
                {
                    ProjectionLog.CheckpointMoved(_logger, _name, conflict.Expected, conflict.Actual, null);
                }
            }

            return await CatchUpCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Catches up, then keeps following the store (looking again every <see cref="ProjectionRunnerOptions.PollInterval"/>) until
    /// <paramref name="cancellationToken"/> is cancelled. A failed read or commit (the database restarting, a busy file) is logged
    /// and tried again after the poll interval; an event that cannot be applied stops it.
    /// </summary>
    /// <exception cref="ProjectionFailedException">An event could not be applied or read; the read model is as of the checkpoint before its batch.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await CatchUpCoreAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ProjectionFailedException failure)
                {
                    ProjectionLog.Stopped(_logger, _name, failure);
                    throw;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    Interlocked.Increment(ref _faults);
                    ProjectionLog.BatchFailed(_logger, _name, Checkpoint, exception);
                }

                try
                {
                    await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            Exit();
        }
    }

    private async Task<long> CatchUpCoreAsync(CancellationToken cancellationToken)
    {
        await SetUpAsync(cancellationToken).ConfigureAwait(false);
        long checkpoint = await _checkpoints.LoadAsync(_name, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _checkpoint, checkpoint);
        Volatile.Write(ref _head, await _store.GetLastPositionAsync(cancellationToken).ConfigureAwait(false));
        long applied = 0;
        int capacity = Math.Min(_options.BatchSize, 4096);
        var batch = new List<Projected>(capacity);
        var next = new List<Projected>(capacity);
        int skipped = await ReadBatchAsync(checkpoint, batch, cancellationToken).ConfigureAwait(false);
        while (batch.Count > 0)
        {
            long last = batch[^1].Stored.Position;
            List<Projected> committing = batch;
            Task commit = _checkpoints.CommitAsync(_name, checkpoint, last, writer => ApplyBatch(committing, writer), cancellationToken).AsTask();

            // The next batch is read and deserialized while this one commits (on the database's writer): the two overlap instead
            // of adding up. It is only used once this commit succeeded.
            next.Clear();
            Task<int> reading = ReadBatchAsync(last, next, cancellationToken);
            try
            {
                await commit.ConfigureAwait(false);
            }
            catch (ProjectionCheckpointConflictException conflict)
            {
                await IgnoreAsync(reading).ConfigureAwait(false);
                ProjectionLog.CheckpointMoved(_logger, _name, conflict.Expected, conflict.Actual, null);
                checkpoint = await _checkpoints.LoadAsync(_name, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _checkpoint, checkpoint);
                batch.Clear();
                skipped = await ReadBatchAsync(checkpoint, batch, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch
            {
                await IgnoreAsync(reading).ConfigureAwait(false);
                throw;
            }

            checkpoint = last;
            Volatile.Write(ref _checkpoint, checkpoint);
            if (last > Volatile.Read(ref _head))
            {
                Volatile.Write(ref _head, last);
            }

            applied += batch.Count - skipped;
            Interlocked.Add(ref _applied, batch.Count - skipped);
            Interlocked.Add(ref _skipped, skipped);

            // A failure reading the next batch (an unreadable event) surfaces now, after this batch is committed.
            skipped = await reading.ConfigureAwait(false);
            (batch, next) = (next, batch);
        }

        return applied;
    }

    /// <summary>Waits for a read whose batch will not be used, so its failure is observed and no read outlives the call.</summary>
    private static async Task IgnoreAsync(Task reading)
    {
        try
        {
            await reading.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The batch is discarded; a failure that matters is met again when the events are read for real.
        }
    }

    /// <summary>Up to a batch of events after <paramref name="after"/>, deserialized outside the transaction; returns how many were unreadable and passed over.</summary>
    private async Task<int> ReadBatchAsync(long after, List<Projected> batch, CancellationToken cancellationToken)
    {
        int skipped = 0;
        await foreach (StoredEvent stored in _store.ReadAllAsync(after, cancellationToken).ConfigureAwait(false))
        {
            IEvent? @event;
            try
            {
                @event = _store.Serializer.Deserialize(stored);
            }
            catch (EventDeserializationException unreadable)
            {
                if (!_options.SkipUnreadableEvents)
                {
                    throw new ProjectionFailedException(_name, stored.Position, stored.EventType, unreadable);
                }

                ProjectionLog.UnreadableSkipped(_logger, _name, stored.Position, stored.EventType, unreadable);
                @event = null;
                skipped++;
            }

            batch.Add(new Projected(@event, stored));
            if (batch.Count == _options.BatchSize)
            {
                break;
            }
        }

        return skipped;
    }

    private void ApplyBatch(List<Projected> batch, TWriter writer)
    {
        foreach (Projected item in batch)
        {
            if (item.Event is null)
            {
                continue;
            }

            try
            {
                _projection.Apply(item.Event, item.Stored, writer);
            }
            catch (Exception exception)
            {
                throw new ProjectionFailedException(_name, item.Stored.Position, item.Stored.EventType, exception);
            }
        }
    }

    private async ValueTask SetUpAsync(CancellationToken cancellationToken)
    {
        if (_setUp)
        {
            return;
        }

        while (true)
        {
            long checkpoint = await _checkpoints.LoadAsync(_name, cancellationToken).ConfigureAwait(false);
            try
            {
                await _checkpoints.CommitAsync(_name, checkpoint, checkpoint, _projection.Setup, cancellationToken).ConfigureAwait(false);
                _setUp = true;
                return;
            }
            catch (ProjectionCheckpointConflictException conflict)
            {
                ProjectionLog.CheckpointMoved(_logger, _name, conflict.Expected, conflict.Actual, null);
            }
        }
    }

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException($"The runner of projection '{_name}' is already running; run one catch-up, rebuild or run at a time.");
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    private readonly record struct Projected(IEvent? Event, StoredEvent Stored);
}
