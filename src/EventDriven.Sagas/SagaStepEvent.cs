using EventDriven.Store;

namespace EventDriven.Sagas;

/// <summary>An event a saga step publishes, as <see cref="IAtomicSagaStore.SaveWithEventsAsync"/> appends it with the step's state.</summary>
/// <param name="StreamId">The stream it goes to: the bus's <see cref="EventDrivenOptions.StreamSelector"/>, as the bus would store it.</param>
/// <param name="Event">The event with its causation (the step's trigger) and correlation.</param>
public readonly record struct SagaStepEvent(string StreamId, EventToAppend Event);
