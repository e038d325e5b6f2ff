using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using EventDriven.Sagas;

namespace EventDriven.Testing.Tests;

public abstract record HarnessEvent : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public abstract string EventType { get; }
    public string Source => "HarnessTests";
}

/// <summary>Handled by <see cref="GatedStep"/>, which waits for its gate before it publishes <see cref="StepDone"/>.</summary>
public sealed record SlowStep(string Gate) : HarnessEvent
{
    public override string EventType => "SlowStep";
}

public sealed record StepDone(string Gate) : HarnessEvent
{
    public override string EventType => "StepDone";
}

/// <summary>Handled by <see cref="FlakyHandler"/>, which fails its first attempt at every event, and every attempt at a negative number.</summary>
public sealed record Flaky(int Number) : HarnessEvent
{
    public override string EventType => "Flaky";
}

public sealed record Reserved(Guid ReservationId) : HarnessEvent
{
    public override string EventType => "Reserved";
}

public sealed record Paid(Guid ReservationId) : HarnessEvent
{
    public override string EventType => "Paid";
}

/// <summary>Published by <see cref="ReservationSaga"/> when the payment did not come in time.</summary>
public sealed record ReservationExpired(Guid ReservationId) : HarnessEvent
{
    public override string EventType => "ReservationExpired";
}

/// <summary>A node of a random handler graph (the property test): its handlers publish the children the script gives them.</summary>
public sealed record GraphNode(int Node) : HarnessEvent
{
    public override string EventType => "GraphNode";
}

/// <summary>Gates that tests open when they choose; a handler waits on one by name.</summary>
public sealed class Gates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    public Task WaitAsync(string name) => Get(name).Task;

    public void Open(string name) => Get(name).TrySetResult();

    private TaskCompletionSource Get(string name) => _gates.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Attempts per event, and a signal when the first attempt failed.</summary>
public sealed class Attempts
{
    private readonly ConcurrentDictionary<Guid, int> _attempts = new();

    public TaskCompletionSource FirstFailure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Next(Guid eventId) => _attempts.AddOrUpdate(eventId, 1, static (_, n) => n + 1);

    public int Of(Guid eventId) => _attempts.GetValueOrDefault(eventId);
}

/// <summary>The random graph of the property test: which children each handler publishes for a node, and which first attempts fail.</summary>
public sealed class GraphScript
{
    public Dictionary<(string Handler, int Node), int[]> Children { get; } = [];

    public HashSet<(string Handler, int Node)> FailFirst { get; } = [];

    public ConcurrentDictionary<(string Handler, int Node), int> Attempts { get; } = new();
}

[EventHandler(Idempotent = true)]
public sealed class GatedStep(IEventBus bus, Gates gates) : IEventHandler<SlowStep>
{
    public async ValueTask HandleAsync(SlowStep @event, CancellationToken cancellationToken = default)
    {
        await gates.WaitAsync(@event.Gate).WaitAsync(cancellationToken).ConfigureAwait(false);
        await bus.PublishAsync(new StepDone(@event.Gate) { Id = DeterministicId.From(@event.Id, nameof(StepDone)) }, cancellationToken).ConfigureAwait(false); // a follow-up after an await
    }
}

[EventHandler(Idempotent = true)]
public sealed class StepDoneRecorder : IEventHandler<StepDone>
{
    public ValueTask HandleAsync(StepDone @event, CancellationToken cancellationToken = default) => default;
}

[EventHandler(Idempotent = true)]
public sealed class FlakyHandler(Attempts attempts) : IEventHandler<Flaky>
{
    public ValueTask HandleAsync(Flaky @event, CancellationToken cancellationToken = default)
    {
        if (attempts.Next(@event.Id) == 1 || @event.Number < 0)
        {
            attempts.FirstFailure.TrySetResult();
            throw new InvalidOperationException($"first attempt at flaky #{@event.Number} fails (simulated)");
        }

        return default;
    }
}

[EventHandler(Idempotent = true)]
public sealed class ExpiredRecorder : IEventHandler<ReservationExpired>
{
    public ValueTask HandleAsync(ReservationExpired @event, CancellationToken cancellationToken = default) => default;
}

public sealed class ReservationState
{
    public Guid ReservationId { get; set; }
}

[JsonSerializable(typeof(ReservationState))]
internal sealed partial class HarnessJson : JsonSerializerContext;

/// <summary>
/// A reservation must be paid within 30 s, else it expires. Declared once, in <see cref="Define"/>: the generator writes the
/// <c>IEventHandler&lt;Reserved&gt;</c> and <c>IEventHandler&lt;Paid&gt;</c> glue that hands the events to <c>runtime</c>.
/// </summary>
[EventHandler(Idempotent = true)]
public sealed partial class ReservationSaga(SagaRuntime<ReservationState> runtime)
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(30);

    public static void Define(SagaDefinition<ReservationState> saga) => saga
        .StartsWith<Reserved>(static e => e.ReservationId, static (s, e, ctx) =>
        {
            s.ReservationId = e.ReservationId;
            return default;
        }, timeout: PaymentTimeout)
        .CompleteOn<Paid>(static e => e.ReservationId)
        .WhenCompensated(static (s, ctx) => ctx.PublishAsync(new ReservationExpired(s.ReservationId) { Id = ctx.DeriveId("expired") }));
}

[EventHandler(Idempotent = true)]
public sealed class GraphHandlerA(IEventBus bus, GraphScript script) : IEventHandler<GraphNode>
{
    public ValueTask HandleAsync(GraphNode @event, CancellationToken cancellationToken = default) => GraphStep.RunAsync("A", bus, script, @event, cancellationToken);
}

[EventHandler(Idempotent = true)]
public sealed class GraphHandlerB(IEventBus bus, GraphScript script) : IEventHandler<GraphNode>
{
    public ValueTask HandleAsync(GraphNode @event, CancellationToken cancellationToken = default) => GraphStep.RunAsync("B", bus, script, @event, cancellationToken);
}

internal static class GraphStep
{
    public static async ValueTask RunAsync(string handler, IEventBus bus, GraphScript script, GraphNode @event, CancellationToken cancellationToken)
    {
        int attempt = script.Attempts.AddOrUpdate((handler, @event.Node), 1, static (_, n) => n + 1);
        if (attempt == 1 && script.FailFirst.Contains((handler, @event.Node)))
        {
            throw new InvalidOperationException($"{handler} fails its first attempt at node {@event.Node} (simulated)");
        }

        if (attempt % 2 == 0)
        {
            await Task.Yield(); // some runs complete asynchronously, on another thread
        }

        foreach (int child in script.Children.GetValueOrDefault((handler, @event.Node), []))
        {
            await bus.PublishAsync(new GraphNode(child) { Id = DeterministicId.From(@event.Id, handler + "/" + child) }, cancellationToken).ConfigureAwait(false);
        }
    }
}
