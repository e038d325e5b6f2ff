namespace EventDriven;

/// <summary>
/// Defaults for every <see cref="EventHandlerAttribute"/> handler of this assembly that does not choose for itself, read by the source
/// generator: <c>[assembly: EventHandlerDefaults(Lifetime = HandlerLifetime.Scoped)]</c>.
/// </summary>
/// <remarks>
/// The choice is made at compile time, not in <c>EventDrivenOptions</c>, because it decides the code the generator writes: a singleton
/// is called directly on its concrete type, a scoped handler through a scope per call.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class EventHandlerDefaultsAttribute : Attribute
{
    /// <summary>The lifetime of handlers whose <see cref="EventHandlerAttribute.Lifetime"/> is <see cref="HandlerLifetime.Default"/>. Default <see cref="HandlerLifetime.Singleton"/>.</summary>
    public HandlerLifetime Lifetime { get; set; } = HandlerLifetime.Singleton;
}
