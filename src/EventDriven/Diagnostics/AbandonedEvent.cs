namespace EventDriven.Diagnostics;

/// <summary>
/// An event the bus accepted but did not finish because the stop timeout cancelled its consumer: not handled (or not by every
/// handler), and with <see cref="Store.EventStorage.BeforeDispatch"/> perhaps not stored. Listed by <see cref="EventBus.AbandonedEvents"/>
/// and logged when the stop ends, so what was lost is known by id, never only by count.
/// </summary>
/// <param name="EventId">The event's <see cref="IEvent.Id"/>.</param>
/// <param name="EventType">The event's <see cref="IEvent.EventType"/> name.</param>
/// <param name="ClrType">The event's full CLR type name.</param>
public readonly record struct AbandonedEvent(Guid EventId, string EventType, string ClrType);
