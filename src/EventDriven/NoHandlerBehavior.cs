namespace EventDriven;

/// <summary>What publishing an event that has no handler (static or subscribed) does.</summary>
public enum NoHandlerBehavior
{
    /// <summary>Nothing: publish/subscribe allows events nobody listens to (yet). The default.</summary>
    Ignore,

    /// <summary>Throw an <see cref="InvalidOperationException"/> naming the event type: for applications where every event must be handled.</summary>
    Throw,
}
