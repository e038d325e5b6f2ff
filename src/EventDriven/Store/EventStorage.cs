namespace EventDriven.Store;

/// <summary>Whether the bus appends every published event to the registered <see cref="IEventStore"/> (store-and-publish), and when.</summary>
public enum EventStorage
{
    /// <summary>Events are not stored by the bus (the default).</summary>
    None = 0,

    /// <summary>
    /// The consumer appends each batch it takes from the ring, and waits for the store to acknowledge it (durably, with a durable
    /// store), before dispatching it. Guarantee: every event a handler saw is in the store. A crash after the append and before the
    /// handlers ran leaves stored events that were never handled: replay the store from the last position your handlers recorded.
    /// In inline mode the publish appends, then dispatches.
    /// </summary>
    BeforeDispatch = 1,

    /// <summary>
    /// The consumer dispatches each batch, then appends it. Guarantee: every stored event was handled (the store is an audit of what
    /// happened). A crash between the two loses the record of events that were handled; handlers see events a little sooner.
    /// </summary>
    AfterDispatch = 2,
}
