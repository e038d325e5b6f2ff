using System.Globalization;
using System.Text;

namespace EventDriven.Generators.Tests.PropertyBased;

/// <summary>
/// Renders a <see cref="DispatchModel"/> as C#: the events, handlers that append <c>"Handler:Event:id"</c> to a static log, and
/// <c>Program.Run()</c>, which builds a service provider with <c>AddEventDriven()</c>, publishes one instance of each event in the
/// model's order and returns the log.
/// </summary>
internal static class ModelProgram
{
    public static string Render(DispatchModel model, string ns)
    {
        var source = new StringBuilder();
        source.Append(CultureInfo.InvariantCulture, $$"""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using EventDriven;
            using Microsoft.Extensions.DependencyInjection;

            namespace {{ns}}
            {
                public static class Log
                {
                    public static readonly List<string> Entries = new();
                }

            """);

        foreach (EventModel e in model.Events)
        {
            source.Append(CultureInfo.InvariantCulture, $$"""
                    public {{(e.IsStruct ? "readonly record struct" : "sealed record")}} {{e.Name}}(Guid Id) : IEvent
                    {
                        public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
                        public string EventType => "{{e.Name}}";
                        public string Source => "{{ns}}";
                    }

                """);
        }

        foreach (HandlerModel h in model.Handlers)
        {
            EventModel[] handled = [.. h.Handles.Select(i => model.Events[i])];
            source.Append(CultureInfo.InvariantCulture, $$"""
                    [EventHandler(Order = {{h.Order}})]
                    public {{(h.Sealed ? "sealed " : string.Empty)}}class {{h.Name}} : {{string.Join(", ", handled.Select(static e => "IEventHandler<" + e.Name + ">"))}}
                    {

                """);
            foreach (EventModel e in handled)
            {
                string signature = h.Explicit
                    ? $"ValueTask IEventHandler<{e.Name}>.HandleAsync({e.Name} @event, CancellationToken cancellationToken)"
                    : $"public ValueTask HandleAsync({e.Name} @event, CancellationToken cancellationToken = default)";
                source.Append(CultureInfo.InvariantCulture, $$"""
                            {{signature}}
                            {
                                Log.Entries.Add("{{h.Name}}:{{e.Name}}:" + @event.Id.ToString("D"));
                                return default;
                            }

                    """);
            }

            source.Append("""
                    }

                """);
        }

        source.Append("""
                public static class Program
                {
                    public static string[] Run()
                    {
                        ServiceProvider services = new ServiceCollection().AddEventDriven().BuildServiceProvider();
                        IEventBus bus = services.GetRequiredService<IEventBus>();

            """);
        foreach (int index in model.PublishOrder)
        {
            source.Append(CultureInfo.InvariantCulture, $"""
                            bus.PublishAsync(new {model.Events[index].Name}(new Guid("{DispatchModel.EventId(index):D}"))).AsTask().GetAwaiter().GetResult();

                """);
        }

        source.Append("""
                        services.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        return Log.Entries.ToArray();
                    }
                }
            }

            """);
        return source.ToString();
    }
}
