namespace EventDriven.Sagas;

/// <summary>
/// What every <see cref="SagaRuntime{TState}"/> offers without its state type: its name, its counts, and its timeouts. <c>AddSaga</c>
/// registers each runtime under this interface too, so tools that handle all sagas alike (a test harness waiting for idle, a
/// health check) can enumerate them.
/// </summary>
public interface ISagaRuntime
{
    /// <summary>The saga's name (<see cref="SagaDefinition{TState}.Name"/>).</summary>
    string Name { get; }

    /// <summary>What the runtime has counted so far.</summary>
    SagaCounts Counts { get; }

    /// <summary>
    /// How many passes over due timeouts are running now (started by the runtime's timer or by <see cref="FireDueTimeoutsAsync"/>);
    /// while one runs, a fired timeout's compensation and follow-up events may still be on their way.
    /// </summary>
    int TimeoutPassesRunning { get; }

    /// <inheritdoc cref="SagaRuntime{TState}.FireDueTimeoutsAsync(CancellationToken)"/>
    Task<int> FireDueTimeoutsAsync(CancellationToken cancellationToken = default);
}
