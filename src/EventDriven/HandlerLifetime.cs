namespace EventDriven;

/// <summary>How the bus gets a handler instance for each event: chosen per handler with <see cref="EventHandlerAttribute.Lifetime"/>.</summary>
public enum HandlerLifetime
{
    /// <summary>The assembly's default (<see cref="EventHandlerDefaultsAttribute.Lifetime"/>), which is <see cref="Singleton"/> unless the assembly says otherwise.</summary>
    Default = 0,

    /// <summary>
    /// One instance for the life of the bus, resolved when the routes are built and called directly: no lookup and no allocation per
    /// event. Its constructor may take only singletons; taking a scoped service is an error at start that names both.
    /// </summary>
    Singleton = 1,

    /// <summary>
    /// A dependency-injection scope of its own for every call (every event, and every retry of it), disposed when the call completes:
    /// the lifetime for handlers that take a <c>DbContext</c> or another scoped service. Costs a scope and a resolve per call.
    /// </summary>
    Scoped = 2,

    /// <summary>
    /// A new instance for every call, resolved from the root container, so it may take only singletons. A disposable transient
    /// handler is a compile-time error (the root container would keep every instance until it is disposed): use <see cref="Scoped"/>.
    /// </summary>
    Transient = 3,
}
