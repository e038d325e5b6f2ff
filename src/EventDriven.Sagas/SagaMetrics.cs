using System.Diagnostics.Metrics;

namespace EventDriven.Sagas;

/// <summary>
/// The counters of one saga runtime: kept as plain numbers (for <see cref="SagaCounts"/>) and reported to the <c>"EventDriven.Sagas"</c>
/// meter with the saga's name as the only tag (one tag array per runtime, none per event).
/// </summary>
internal sealed class SagaMetrics : IDisposable
{
    public const string MeterName = "EventDriven.Sagas";

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _compensated;
    private readonly Counter<long> _timedOut;
    private readonly Counter<long> _late;
    private readonly Counter<long> _lateHandled;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _orphans;
    private long _startedCount;
    private long _steps;
    private long _completedCount;
    private long _compensatedCount;
    private long _timedOutCount;
    private long _compensationsRun;
    private long _lateCount;
    private long _lateHandledCount;
    private long _duplicateCount;
    private long _orphanCount;
    private long _saveFailures;

    public SagaMetrics(string sagaName, IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _tags = [new("saga", sagaName)];
        _started = _meter.CreateCounter<long>("eventdriven.sagas.started", "{saga}", "Saga instances started.");
        _completed = _meter.CreateCounter<long>("eventdriven.sagas.completed", "{saga}", "Saga instances completed.");
        _compensated = _meter.CreateCounter<long>("eventdriven.sagas.compensated", "{saga}", "Saga instances compensated.");
        _timedOut = _meter.CreateCounter<long>("eventdriven.sagas.timed_out", "{timeout}", "Saga timeouts fired.");
        _late = _meter.CreateCounter<long>("eventdriven.sagas.late_events_ignored", "{event}", "Events for finished saga instances with no WhenLate declaration, ignored.");
        _lateHandled = _meter.CreateCounter<long>("eventdriven.sagas.late_events_handled", "{event}", "Events for finished saga instances, handled by their WhenLate declaration.");
        _duplicates = _meter.CreateCounter<long>("eventdriven.sagas.duplicate_events_ignored", "{event}", "Redelivered events a saga instance had already handled, ignored.");
        _orphans = _meter.CreateCounter<long>("eventdriven.sagas.orphan_events", "{event}", "Events for saga instances that were never started.");
    }

    public SagaCounts Snapshot() => new(
        Interlocked.Read(ref _startedCount),
        Interlocked.Read(ref _steps),
        Interlocked.Read(ref _completedCount),
        Interlocked.Read(ref _compensatedCount),
        Interlocked.Read(ref _timedOutCount),
        Interlocked.Read(ref _compensationsRun),
        Interlocked.Read(ref _lateCount),
        Interlocked.Read(ref _duplicateCount),
        Interlocked.Read(ref _orphanCount),
        Interlocked.Read(ref _saveFailures),
        Interlocked.Read(ref _lateHandledCount));

    public void Started() => Add(ref _startedCount, _started);

    public void StepHandled() => Interlocked.Increment(ref _steps);

    public void Completed() => Add(ref _completedCount, _completed);

    public void Compensated() => Add(ref _compensatedCount, _compensated);

    public void TimedOut() => Add(ref _timedOutCount, _timedOut);

    public void CompensationRun() => Interlocked.Increment(ref _compensationsRun);

    public void LateEvent() => Add(ref _lateCount, _late);

    public void LateEventHandled() => Add(ref _lateHandledCount, _lateHandled);

    public void DuplicateEvent() => Add(ref _duplicateCount, _duplicates);

    public void OrphanEvent() => Add(ref _orphanCount, _orphans);

    public void SaveFailed() => Interlocked.Increment(ref _saveFailures);

    public void Dispose() => _meter.Dispose();

    private void Add(ref long count, Counter<long> counter)
    {
        Interlocked.Increment(ref count);
        counter.Add(1, _tags);
    }
}
