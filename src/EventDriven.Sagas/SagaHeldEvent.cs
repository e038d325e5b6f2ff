namespace EventDriven.Sagas;

/// <summary>
/// An event a step published, held until the step's state is saved: the event itself (what an <see cref="IAtomicSagaStore"/> appends
/// with the state) and its typed publish to the bus.
/// </summary>
internal readonly record struct SagaHeldEvent(IEvent Event, Func<IEventBus, CancellationToken, ValueTask> Publish);
