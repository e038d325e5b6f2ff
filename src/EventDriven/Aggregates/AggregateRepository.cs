using EventDriven.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Aggregates;

/// <summary>
/// Loads event-sourced aggregates (<see cref="AggregateAttribute"/>) from their streams and saves the events they raised, with an
/// optimistic-concurrency check against the version they were loaded at. Thread-safe; an aggregate instance is not.
/// </summary>
/// <remarks>
/// <para>
/// <b>Concurrency.</b> <see cref="SaveAsync{TAggregate}"/> appends with <see cref="ExpectedVersion.Exactly"/> the loaded version: if
/// anyone saved the same aggregate in between, nothing is written and it throws <see cref="ConcurrencyException"/>. Load again and
/// decide again, or let <see cref="UpdateAsync{TAggregate}"/> do it.
/// </para>
/// <para>
/// <b>Publishing.</b> With a bus (<see cref="AggregateRepositoryOptions.PublishSavedEvents"/>), the events are published after the
/// append committed, so a handler never sees an event that is not stored. A bus that stores published events itself
/// (<see cref="EventDrivenOptions.EventStorage"/>) finds their ids already stored and writes nothing again. A crash between the
/// append and the publish leaves stored events that were never published: handlers that must see every event should be projections
/// (<c>EventDriven.Projections</c>), which follow the store, or the store's outbox should carry them.
/// </para>
/// </remarks>
public sealed class AggregateRepository
{
    private readonly IEventStore _store;
    private readonly ISnapshotStore? _snapshots;
    private readonly IEventBus? _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a repository over <paramref name="store"/>.</summary>
    /// <param name="store">Where the streams are.</param>
    /// <param name="options">Snapshots and publishing; defaults when null.</param>
    /// <param name="logger">Where failed snapshot saves are reported (a snapshot is a cache: its failure never fails a save).</param>
    public AggregateRepository(IEventStore store, AggregateRepositoryOptions? options = null, ILogger<AggregateRepository>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new AggregateRepositoryOptions();
        if (options.PublishSavedEvents && options.Bus is null)
        {
            throw new ArgumentException($"{nameof(AggregateRepositoryOptions.PublishSavedEvents)} is set but no {nameof(AggregateRepositoryOptions.Bus)} is given.", nameof(options));
        }

        _store = store;
        _snapshots = options.Snapshots;
        _bus = options.PublishSavedEvents ? options.Bus : null;
        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    private long _snapshotFailures;

    /// <summary>How many snapshot saves failed (each is logged); the saves of events they followed succeeded.</summary>
    public long SnapshotFailures => Interlocked.Read(ref _snapshotFailures);

    /// <summary>
    /// The aggregate <paramref name="id"/> as its events make it: its latest usable snapshot (if the aggregate takes snapshots) and
    /// every event after it. An aggregate with no events comes back empty, with <see cref="AggregateRoot.Version"/> -1 and
    /// <see cref="AggregateRoot.Exists"/> false: raise events on it and save it to create it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or empty.</exception>
    /// <exception cref="Serialization.EventDeserializationException">An event of the stream cannot be read; an aggregate is never built from part of its history.</exception>
    public async ValueTask<TAggregate> LoadAsync<TAggregate>(string id, CancellationToken cancellationToken = default)
        where TAggregate : AggregateRoot, IAggregateFactory<TAggregate>
    {
        TAggregate aggregate = AggregateRoot.Create<TAggregate>(id);
        long from = 0;
        if (_snapshots is not null && TAggregate.SnapshotEvery > 0 && await _snapshots.LoadAsync(id, cancellationToken).ConfigureAwait(false) is { } snapshot)
        {
            if (RestoreOrIgnore(aggregate, snapshot, out TAggregate restored))
            {
                aggregate = restored;
                from = snapshot.StreamVersion + 1;
            }
        }

        await foreach (StoredEvent stored in _store.ReadStreamAsync(id, from, cancellationToken).ConfigureAwait(false))
        {
            aggregate.ApplyStored(_store.Serializer.Deserialize(stored), stored.StreamVersion);
        }

        return aggregate;
    }

    /// <summary>
    /// Stores the events <paramref name="aggregate"/> raised since it was loaded, if its stream is still at the version it was loaded
    /// at; then takes a snapshot when one is due and publishes the events when the repository publishes. Nothing pending: nothing
    /// happens, and the result reports the aggregate's version with nothing appended.
    /// </summary>
    /// <exception cref="ConcurrencyException">The aggregate was saved by someone else since it was loaded; nothing was written and the instance keeps its pending events.</exception>
    /// <exception cref="EventDispatchException">(with publishing) A handler failed; the events are stored and the instance is saved.</exception>
    public async ValueTask<AppendResult> SaveAsync<TAggregate>(TAggregate aggregate, CancellationToken cancellationToken = default)
        where TAggregate : AggregateRoot, IAggregateFactory<TAggregate>
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        IReadOnlyList<IEvent> pending = aggregate.PendingEvents;
        if (pending.Count == 0)
        {
            return new AppendResult(aggregate.Version, 0, 0, []);
        }

        var items = new EventToAppend[pending.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = EventToAppend.LinkedToCurrentHandler(pending[i]);
        }

        long before = aggregate.Version;
        AppendResult result = await _store.AppendAsync(aggregate.Id, items, ExpectedVersion.Exactly(before), cancellationToken).ConfigureAwait(false);
        IEvent[]? toPublish = _bus is null ? null : [.. pending];
        aggregate.MarkSaved(result.StreamVersion);

        if (_snapshots is not null && SnapshotDue(TAggregate.SnapshotEvery, before, result.StreamVersion))
        {
            await SaveSnapshotAsync(aggregate, cancellationToken).ConfigureAwait(false);
        }

        if (toPublish is not null)
        {
            foreach (IEvent @event in toPublish)
            {
                await _bus!.PublishAsync(@event, cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>
    /// Loads the aggregate, runs <paramref name="decide"/> on it and saves what it raised; when the save meets a
    /// <see cref="ConcurrencyException"/> (someone saved in between), does all three again on a fresh load, up to
    /// <paramref name="maxAttempts"/> times. <paramref name="decide"/> must therefore only read the aggregate and raise events.
    /// </summary>
    /// <returns>The saved aggregate.</returns>
    /// <exception cref="ConcurrencyException">Every attempt met a concurrent save; the last one's.</exception>
    public async ValueTask<TAggregate> UpdateAsync<TAggregate>(string id, Action<TAggregate> decide, int maxAttempts = 3, CancellationToken cancellationToken = default)
        where TAggregate : AggregateRoot, IAggregateFactory<TAggregate>
    {
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (int attempt = 1; ; attempt++)
        {
            TAggregate aggregate = await LoadAsync<TAggregate>(id, cancellationToken).ConfigureAwait(false);
            decide(aggregate);
            try
            {
                await SaveAsync(aggregate, cancellationToken).ConfigureAwait(false);
                return aggregate;
            }
            catch (ConcurrencyException) when (attempt < maxAttempts)
            {
            }
        }
    }

    /// <summary>Whether the versions from <paramref name="before"/> (exclusive) to <paramref name="after"/> crossed a multiple of <paramref name="every"/> events.</summary>
    internal static bool SnapshotDue(int every, long before, long after)
        => every > 0 && (after + 1) / every > (before + 1) / every;

    private bool RestoreOrIgnore<TAggregate>(TAggregate empty, AggregateSnapshot snapshot, out TAggregate restored)
        where TAggregate : AggregateRoot, IAggregateFactory<TAggregate>
    {
        restored = empty;
        try
        {
            if (TAggregate.TryRestoreSnapshot(empty, snapshot))
            {
                empty.Restore(snapshot.StreamVersion);
                return true;
            }

            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The instance may be half restored: start again from an empty one and the whole stream.
            AggregateLog.SnapshotUnreadable(_logger, snapshot.StreamId, snapshot.StreamVersion, exception);
            restored = AggregateRoot.Create<TAggregate>(empty.Id);
            return false;
        }
    }

    private async ValueTask SaveSnapshotAsync<TAggregate>(TAggregate aggregate, CancellationToken cancellationToken)
        where TAggregate : AggregateRoot, IAggregateFactory<TAggregate>
    {
        try
        {
            if (TAggregate.TakeSnapshot(aggregate, _time.GetUtcNow()) is { } snapshot)
            {
                await _snapshots!.SaveAsync(snapshot, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Interlocked.Increment(ref _snapshotFailures);
            AggregateLog.SnapshotNotSaved(_logger, aggregate.Id, aggregate.Version, exception);
        }
    }
}
