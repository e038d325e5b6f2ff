namespace EventDriven;

/// <summary>
/// Puts the class in the source-generated dispatch table for every <see cref="IEventHandler{TEvent}"/> it implements,
/// and registers it in dependency injection when <c>services.AddEventDriven()</c> runs, with its <see cref="Lifetime"/> (a singleton
/// unless the handler or its assembly says otherwise).
/// </summary>
/// <remarks>
/// The class must be concrete, non-generic, accessible from its own assembly (public or internal, not private or file-local)
/// and have a public or internal constructor; otherwise the generator reports an <c>EDG</c> diagnostic instead of leaving it out silently.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EventHandlerAttribute : Attribute
{
    /// <summary>Where this handler runs among the handlers of the same event: lower runs first. Ties are broken by the handler's full type name. Default 0.</summary>
    public int Order { get; set; }

    /// <summary>
    /// The author's promise that handling the same event twice (a retry, a replay, a broker redelivery) has the same effect as handling it once.
    /// The analyzers rely on it; the bus does not deduplicate because of it.
    /// </summary>
    public bool Idempotent { get; set; }

    /// <summary>
    /// Deduplicate this handler through the registered <see cref="Reliability.IInbox"/>: an event id the handler already handled
    /// successfully is skipped, so a redelivered event (a retry after a crash, a replay, a broker redelivery) has no second effect.
    /// Requires an inbox (<c>AddEventDrivenSqlite</c> registers a durable one; <see cref="Reliability.InMemoryInbox"/> for tests).
    /// </summary>
    /// <remarks>
    /// The id is recorded after the handler succeeds. A crash between the two re-runs the handler once more (at-least-once); to make
    /// it exactly once, do the handler's own writes in the inbox's transaction (see <c>SqliteInbox.ExecuteOnceAsync</c>).
    /// </remarks>
    public bool Inbox { get; set; }

    /// <summary>
    /// How the bus gets an instance for each event: <see cref="HandlerLifetime.Singleton"/> (the default: one instance, called directly),
    /// <see cref="HandlerLifetime.Scoped"/> (a dependency-injection scope per call, for handlers that take a <c>DbContext</c> or another
    /// scoped service) or <see cref="HandlerLifetime.Transient"/>. <see cref="HandlerLifetime.Default"/> takes the assembly's
    /// <see cref="EventHandlerDefaultsAttribute"/>.
    /// </summary>
    public HandlerLifetime Lifetime { get; set; }
}
