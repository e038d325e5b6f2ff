using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using EventDriven;

namespace EventDriven.Benchmarks.Baselines;

/// <summary>
/// The better hand-written bus: handlers are found by reflection once, at subscribe time, and each one becomes a typed delegate
/// (<see cref="Delegate.CreateDelegate(Type, object, MethodInfo)"/> on the handler's own <c>HandleAsync</c>, so a call is a
/// direct, non-virtual delegate call). Publishing is one <c>Dictionary&lt;Type, object&gt;</c> lookup by <c>typeof(TEvent)</c> and a
/// loop of delegate calls; nothing is boxed and nothing is allocated while handlers complete synchronously. JIT only (it builds
/// generic delegate types at run time): a baseline for benchmarks, not something to ship.
/// </summary>
[RequiresUnreferencedCode("Finds handler methods by reflection; a baseline for benchmarks only.")]
[RequiresDynamicCode("Builds generic delegate types at run time; a baseline for benchmarks only.")]
public sealed class CompiledDelegateEventBus
{
    private readonly Dictionary<Type, object> _handlers = [];

    /// <summary>Subscribes <paramref name="handler"/> to every event type it implements <see cref="IEventHandler{TEvent}"/> for.</summary>
    public void Subscribe(object handler)
    {
        Type handlerType = handler.GetType();
        foreach (Type contract in handlerType.GetInterfaces())
        {
            if (!contract.IsGenericType || contract.GetGenericTypeDefinition() != typeof(IEventHandler<>))
            {
                continue;
            }

            Type eventType = contract.GetGenericArguments()[0];
            InterfaceMapping map = handlerType.GetInterfaceMap(contract);
            MethodInfo method = map.TargetMethods[Array.FindIndex(map.InterfaceMethods, m => m.Name == nameof(IEventHandler<>.HandleAsync))];
            Type delegateType = typeof(Func<,,>).MakeGenericType(eventType, typeof(CancellationToken), typeof(ValueTask));
            Delegate call = Delegate.CreateDelegate(delegateType, handler, method);

            // Copy-on-subscribe into an array of the exact delegate type, so publishing needs one cast and no per-element checks.
            var existing = _handlers.TryGetValue(eventType, out object? current) ? (Array)current : Array.CreateInstance(delegateType, 0);
            Array updated = Array.CreateInstance(delegateType, existing.Length + 1);
            Array.Copy(existing, updated, existing.Length);
            updated.SetValue(call, existing.Length);
            _handlers[eventType] = updated;
        }
    }

    public ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        if (!_handlers.TryGetValue(typeof(TEvent), out object? untyped))
        {
            return default;
        }

        var handlers = (Func<TEvent, CancellationToken, ValueTask>[])untyped;
        for (int i = 0; i < handlers.Length; i++)
        {
            ValueTask pending = handlers[i](@event, cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueAsync(handlers, i, pending, @event, cancellationToken);
            }
        }

        return default;
    }

    private static async ValueTask ContinueAsync<TEvent>(Func<TEvent, CancellationToken, ValueTask>[] handlers, int index, ValueTask pending, TEvent @event, CancellationToken cancellationToken)
    {
        await pending.ConfigureAwait(false);
        for (int i = index + 1; i < handlers.Length; i++)
        {
            await handlers[i](@event, cancellationToken).ConfigureAwait(false);
        }
    }
}
