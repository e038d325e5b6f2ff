using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using EventDriven;

namespace EventDriven.Benchmarks.Baselines;

/// <summary>
/// The hand-written bus found in many codebases: <c>Dictionary&lt;Type, List&lt;object&gt;&gt;</c> of handlers and
/// <see cref="MethodInfo.Invoke(object, object[])"/> per handler. Here only as a baseline to beat.
/// </summary>
[RequiresUnreferencedCode("Reflection-based dispatch; a baseline for benchmarks only.")]
public sealed class ReflectionEventBus
{
    private readonly Dictionary<Type, List<object>> _handlers = [];

    public void Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
    {
        if (!_handlers.TryGetValue(typeof(TEvent), out List<object>? list))
        {
            _handlers.Add(typeof(TEvent), list = []);
        }

        list.Add(handler);
    }

    public async Task PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        if (!_handlers.TryGetValue(@event.GetType(), out List<object>? handlers))
        {
            return;
        }

        foreach (object handler in handlers)
        {
            MethodInfo method = handler.GetType().GetMethod("HandleAsync", [@event.GetType(), typeof(CancellationToken)])!;
            await (ValueTask)method.Invoke(handler, [@event, cancellationToken])!;
        }
    }
}
