using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Dispatch;

/// <summary>
/// A <see cref="HandlerLifetime.Scoped"/> handler as the generated dispatcher holds it: every call opens a dependency-injection scope,
/// resolves the handler from it, runs it and disposes the scope when the handler's task completes, failed or not.
/// </summary>
/// <remarks>
/// A scope per call, not per consumer batch: a retry then gets a fresh <c>DbContext</c> instead of one still tracking the failed
/// attempt's changes, and what a handler sees does not depend on how many events a batch happened to hold.
/// </remarks>
/// <typeparam name="THandler">The handler type, registered as scoped by the generated table.</typeparam>
/// <typeparam name="TEvent">The event type of this dispatcher.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ScopedHandler<THandler, TEvent> : IEventHandler<TEvent>
    where THandler : notnull, IEventHandler<TEvent>
    where TEvent : IEvent
{
    private readonly IServiceScopeFactory _scopes;

    /// <summary>Creates the scoped handler over the container's scope factory.</summary>
    public ScopedHandler(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default)
    {
        AsyncServiceScope scope = _scopes.CreateAsyncScope();
        ValueTask pending;
        try
        {
            pending = scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(@event, cancellationToken);
        }
        catch (Exception exception)
        {
            return DisposeThenThrowAsync(scope, exception);
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitThenDisposeAsync(pending, scope);
        }

        pending.GetAwaiter().GetResult();
        return scope.DisposeAsync();
    }

    private static async ValueTask AwaitThenDisposeAsync(ValueTask pending, AsyncServiceScope scope)
    {
        await using (scope.ConfigureAwait(false))
        {
            await pending.ConfigureAwait(false);
        }
    }

    private static async ValueTask DisposeThenThrowAsync(AsyncServiceScope scope, Exception exception)
    {
        await scope.DisposeAsync().ConfigureAwait(false);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
    }
}
