using System.Diagnostics.Metrics;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace EventDriven.Sagas;

/// <summary>
/// Runs one saga: finds the instance of each event by its correlation id, runs the declared step under the instance's lock, records
/// the step in the instance's journal, saves the instance, then publishes the step's events. Compensates in reverse order, fires
/// timeouts, and resumes open instances after a restart (<see cref="StartAsync"/>). A singleton; the user's saga class delegates to it.
/// </summary>
/// <typeparam name="TState">The saga's state class.</typeparam>
public sealed partial class SagaRuntime<TState> : IAsyncDisposable
    where TState : class, new()
{
    /// <summary>Creates the runtime. <c>services.AddSaga&lt;TSaga, TState&gt;(...)</c> does this for you.</summary>
    /// <param name="definition">The saga's declaration; it must have a <c>StartsWith</c>. Do not change it afterwards.</param>
    /// <param name="stateTypeInfo">Serializes the state, e.g. <c>ShopJsonContext.Default.OrderSagaState</c> (source-generated, AOT-safe).</param>
    /// <param name="store">Where instances are kept.</param>
    /// <param name="bus">Where the steps' events are published.</param>
    /// <param name="options">Durability and bad-input policy; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where orphan, late and failed work is logged; nothing is logged when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>"EventDriven.Sagas"</c> meter; a plain meter when <see langword="null"/>.</param>
    public SagaRuntime(
        SagaDefinition<TState> definition,
        JsonTypeInfo<TState> stateTypeInfo,
        ISagaStore store,
        IEventBus bus,
        SagaOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(stateTypeInfo);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(bus);
        definition.Validate();
        options ??= new SagaOptions();
        options.Validate();
        throw new NotImplementedException("The runtime lands in the next commit.");
    }

    /// <summary>The saga's name (<see cref="SagaDefinition{TState}.Name"/>).</summary>
    public string Name => throw new NotImplementedException();

    /// <summary>What the runtime has counted so far.</summary>
    public SagaCounts Counts => throw new NotImplementedException();

    /// <summary>
    /// Handles one event: call it from the saga class's <c>IEventHandler&lt;TEvent&gt;.HandleAsync</c>. Finds the instance by the
    /// declared correlation id, ignores (and counts) redelivered event ids, late events of finished instances and orphans (see
    /// <see cref="SagaOptions.OrphanEvents"/>), runs the step, saves, then publishes the step's events.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TEvent"/> is not declared in the saga's definition.</exception>
    /// <exception cref="SagaStateException">The instance's stored state cannot be read; only this instance is affected.</exception>
    /// <exception cref="SagaNotStartedException">An orphan event, with <see cref="SagaOrphanEventBehavior.Throw"/>.</exception>
    public ValueTask HandleAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
        => throw new NotImplementedException();

    /// <summary>The instance <paramref name="correlationId"/> as last saved (pending write-behind saves included), or <see langword="null"/>.</summary>
    /// <exception cref="SagaStateException">The stored state cannot be read.</exception>
    public ValueTask<SagaSnapshot<TState>?> GetAsync(string correlationId, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <inheritdoc cref="GetAsync(string, CancellationToken)"/>
    public ValueTask<SagaSnapshot<TState>?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>
    /// Resumes after a restart: reads the store's open instances and arms their timeouts; overdue ones fire at once. The hosted
    /// service registered by <c>AddSaga</c> calls it when the host starts.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Stops the timeout timer and waits until every save is durable (<see cref="ISagaStore.FlushAsync"/>).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>
    /// Fires every armed timeout due at the <see cref="TimeProvider"/>'s current time and returns how many fired. The runtime's timer
    /// calls it; tests with a fake clock may call it after advancing time. Firing is idempotent: a timeout fires once.
    /// </summary>
    public Task<int> FireDueTimeoutsAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
