using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Dispatch;

/// <summary>
/// A <see cref="HandlerLifetime.Transient"/> handler as the generated dispatcher holds it: every call resolves a new instance from the
/// root container (the generator refuses disposable transient handlers, which the root container would keep).
/// </summary>
/// <typeparam name="THandler">The handler type, registered as transient by the generated table.</typeparam>
/// <typeparam name="TEvent">The event type of this dispatcher.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TransientHandler<THandler, TEvent>(IServiceProvider services) : IEventHandler<TEvent>
    where THandler : notnull, IEventHandler<TEvent>
    where TEvent : IEvent
{
    private readonly IServiceProvider _services = services ?? throw new ArgumentNullException(nameof(services));

    /// <inheritdoc />
    public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default)
        => _services.GetRequiredService<THandler>().HandleAsync(@event, cancellationToken);
}
