using System.Collections.Generic;
using System.Linq;
using EventDriven.Generators.Helpers;
using EventDriven.Generators.Model;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators
{
    public sealed partial class DispatchTableGenerator
    {
        /// <summary>Turns a <see cref="TableSpec"/> into C#. Pure text work: no symbols, everything sorted ordinally.</summary>
        internal static class Emitter
        {
            private const string GeneratedNamespace = "EventDriven.Generated";

            /// <summary>The table's topology field; a handler named <c>Topology</c> must not get it as its descriptor field.</summary>
            private const string TopologyField = "s_topology";

            /// <summary>The inbox field of a dispatcher with inbox handlers; a handler named <c>Inbox</c> must not get it as its field.</summary>
            private const string InboxField = "_inbox";

            public static void Emit(SourceProductionContext output, TableSpec table)
            {
                foreach (HandlerSpec handler in table.Handlers)
                {
                    // An explicit Lifetime = Transient on a disposable handler is refused by the parser, at the attribute; one that is
                    // transient by the assembly's default can only be seen here, where the default meets the handler.
                    if (handler.Lifetime == 0 && table.LifetimeOf(handler) == TransientLifetime && handler.Disposable)
                    {
                        output.ReportDiagnostic(Diagnostic.Create(
                            Diagnostics.GeneratorDiagnostics.DisposableTransientHandler, Location.None, handler.DisplayName, "the assembly's [EventHandlerDefaults]"));
                    }
                }

                if (table.Handlers.Count > 0)
                {
                    output.AddGeneratedSource("EventDispatchTable.g.cs", EmitTable(table));
                    output.AddGeneratedSource("EventDrivenTopology.g.cs", EmitTopology(table));
                }
            }

            internal static string EmitTable(TableSpec table)
            {
                List<EventRoute> routes = BuildRoutes(table);
                Dictionary<string, string> descriptorFields = GeneratedNames.UniqueNames(
                    table.Handlers.Select(static h => h.TypeName), table.Handlers.Select(static h => "s_" + Camel(h.SimpleName)), TopologyField);

                var w = new SourceWriter();
                WriteHeader(w);
                w.Line("[assembly: global::EventDriven.Dispatch.EventDispatchTableAttribute(typeof(global::" + GeneratedNamespace + "." + table.TableClassName + "), HandledEvents = new global::System.Type[]")
                    .Line("{");
                foreach (EventRoute route in routes)
                {
                    w.Line("    typeof(" + route.Event.TypeName + "),");
                }

                w.Line("})]")
                    .Line()
                    .Line("namespace " + GeneratedNamespace)
                    .OpenBrace()
                    .Line("/// <summary>")
                    .Line("/// The static dispatch table of assembly '" + Literals.Xml(table.AssemblyName) + "', written by the EventDriven source generator.")
                    .Line("/// Each event type has a dispatcher that calls its handlers directly, in <c>Order</c>, then full-name order.")
                    .Line("/// </summary>")
                    .Line(GeneratedNames.GeneratedCodeAttribute)
                    .Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
                    .Line("public sealed class " + table.TableClassName + " : global::EventDriven.Dispatch.IEventDispatchTable")
                    .OpenBrace();

                foreach (HandlerSpec handler in table.Handlers)
                {
                    w.Line("private static readonly global::EventDriven.Dispatch.HandlerDescriptor " + descriptorFields[handler.TypeName] + " = new global::EventDriven.Dispatch.HandlerDescriptor(")
                        .Line("    " + Literals.String(handler.DisplayName) + ", " + Literals.Int(handler.Order) + ", " + Literals.Bool(handler.Idempotent) + ", new string[] { " + string.Join(", ", handler.Publishes.Select(Literals.String)) + (handler.Publishes.Count > 0 ? " " : string.Empty) + "});");
                }

                w.Line()
                    .Line("private static readonly global::EventDriven.Topology.EventTopology " + TopologyField + " = new global::EventDriven.Topology.EventTopology(new global::EventDriven.Topology.EventRouteInfo[]")
                    .OpenBrace();
                foreach (EventRoute route in routes)
                {
                    w.Line("new global::EventDriven.Topology.EventRouteInfo(" + Literals.String(route.Event.DisplayName) + ", new global::EventDriven.Dispatch.HandlerDescriptor[] { "
                        + string.Join(", ", route.Handlers.Select(h => descriptorFields[h.Handler.TypeName])) + " }),");
                }

                w.CloseBrace(");")
                    .Line()
                    .Line("/// <summary>The one instance; register it with <see cref=\"Register\"/>.</summary>")
                    .Line("public static readonly " + table.TableClassName + " Instance = new " + table.TableClassName + "();")
                    .Line()
                    .Line("private " + table.TableClassName + "()")
                    .OpenBrace()
                    .CloseBrace()
                    .Line()
                    .Line("/// <summary>Hands this table to the runtime; the generated module initializer calls it, and so do the module initializers of referencing assemblies.</summary>")
                    .Line("public static void Register() => global::EventDriven.Dispatch.EventDispatchTables.Register(Instance);")
                    .Line()
                    .Line("/// <inheritdoc />")
                    .Line("public string AssemblyName => " + Literals.String(table.AssemblyName) + ";")
                    .Line()
                    .Line("/// <inheritdoc />")
                    .Line("public global::EventDriven.Topology.EventTopology Topology => " + TopologyField + ";")
                    .Line()
                    .Line("/// <inheritdoc />")
                    .Line("public void AddHandlers(global::Microsoft.Extensions.DependencyInjection.IServiceCollection services)")
                    .OpenBrace();
                foreach (HandlerSpec handler in table.Handlers)
                {
                    string register = table.LifetimeOf(handler) switch
                    {
                        ScopedLifetime => "TryAddScoped",
                        TransientLifetime => "TryAddTransient",
                        _ => "TryAddSingleton",
                    };
                    w.Line("global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions." + register + "<" + handler.TypeName + ">(services, static serviceProvider => new " + handler.TypeName + "(" + Arguments(handler) + "));");
                }

                w.CloseBrace()
                    .Line()
                    .Line("/// <inheritdoc />")
                    .Line("public void AddRoutes(global::EventDriven.Dispatch.EventRouteBuilder routes, global::System.IServiceProvider services)")
                    .OpenBrace();

                // Resolved once for the whole table, and only when a handler asked for it, so tables without inbox handlers
                // neither need an IInbox registered nor change at all.
                // Handlers this process does not run (EventDrivenOptions.Handlers) are neither checked nor resolved: their dispatcher
                // slot holds null and the runtime never calls it.
                HandlerSpec? firstInboxHandler = table.Handlers.FirstOrDefault(static h => h.Inbox);
                if (firstInboxHandler is not null)
                {
                    string anyInboxHandlerRuns = string.Join(" || ", table.Handlers.Where(static h => h.Inbox).Select(h => "routes.Includes(" + descriptorFields[h.TypeName] + ")"));
                    w.Line("global::EventDriven.Reliability.IInbox inbox = " + anyInboxHandlerRuns + " ? global::EventDriven.Reliability.InboxDispatch.Resolve(services, " + Literals.String(firstInboxHandler.DisplayName) + ") : null!;");
                }

                // Before anything is resolved from the root: a scoped dependency there fails with a message naming handler and fix.
                foreach (HandlerSpec handler in table.Handlers)
                {
                    int lifetime = table.LifetimeOf(handler);
                    if (lifetime != ScopedLifetime)
                    {
                        w.Line("if (routes.Includes(" + descriptorFields[handler.TypeName] + "))")
                            .OpenBrace()
                            .Line("global::EventDriven.Dispatch.HandlerLifetimeCheck.RequireRootResolvable(services, " + Literals.String(handler.DisplayName) + ", (global::EventDriven.HandlerLifetime)" + Literals.Int(lifetime)
                                + ", typeof(" + handler.TypeName + ")" + string.Concat(handler.ConstructorParameters.Select(static p => ", typeof(" + p.TypeName + ")")) + ");")
                            .CloseBrace();
                    }
                }

                foreach (EventRoute route in routes)
                {
                    w.Line("routes.Add<" + route.Event.TypeName + ">(new " + route.DispatcherName + "(");
                    for (int i = 0; i < route.Handlers.Count; i++)
                    {
                        bool last = i == route.Handlers.Count - 1 && !route.HasInboxHandlers;
                        RouteHandler handler = route.Handlers[i];
                        string instance = handler.Lifetime == SingletonLifetime
                            ? "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<" + handler.Handler.TypeName + ">(services)"
                            : "new " + FieldType(handler) + "(services)";
                        w.Line("    routes.Includes(" + descriptorFields[handler.Handler.TypeName] + ") ? " + instance + " : null!" + (last ? "));" : ","));
                    }

                    if (route.HasInboxHandlers)
                    {
                        w.Line("    inbox));");
                    }
                }

                w.CloseBrace();
                foreach (EventRoute route in routes)
                {
                    w.Line();
                    WriteDispatcher(w, route, descriptorFields);
                }

                w.CloseBrace().CloseBrace();
                return w.ToString();
            }

            private static void WriteDispatcher(SourceWriter w, EventRoute route, Dictionary<string, string> descriptorFields)
            {
                string eventType = route.Event.TypeName;
                Dictionary<string, string> fields = GeneratedNames.UniqueNames(
                    route.Handlers.Select(static h => h.Handler.TypeName),
                    route.Handlers.Select(static h => "_" + Camel(h.Handler.SimpleName)),
                    route.HasInboxHandlers ? [InboxField] : []);
                // A cref cannot hold a closed generic type (Envelope<int> is malformed XML, Envelope{int} names a type parameter): name those as code.
                string eventDoc = eventType.IndexOf('<') < 0 ? "<see cref=\"" + eventType + "\"/>" : "<c>" + Literals.Xml(route.Event.DisplayName) + "</c>";
                w.Line("/// <summary>Dispatches " + eventDoc + " to " + Literals.Int(route.Handlers.Count) + (route.Handlers.Count == 1 ? " handler" : " handlers") + ".</summary>")
                    .Line("private sealed class " + route.DispatcherName + " : global::EventDriven.Dispatch.EventDispatcher<" + eventType + ">")
                    .OpenBrace();
                foreach (RouteHandler handler in route.Handlers)
                {
                    w.Line("private readonly " + FieldType(handler) + " " + fields[handler.Handler.TypeName] + ";");
                }

                IEnumerable<string> parameters = route.Handlers.Select((h, i) => FieldType(h) + " handler" + Literals.Int(i));
                if (route.HasInboxHandlers)
                {
                    w.Line("private readonly global::EventDriven.Reliability.IInbox " + InboxField + ";");
                    parameters = parameters.Concat(["global::EventDriven.Reliability.IInbox inbox"]);
                }

                w.Line()
                    .Line("public " + route.DispatcherName + "(" + string.Join(", ", parameters) + ")")
                    .Line("    : base(new global::EventDriven.Dispatch.HandlerDescriptor[] { " + string.Join(", ", route.Handlers.Select(h => descriptorFields[h.Handler.TypeName])) + " })")
                    .OpenBrace();
                for (int i = 0; i < route.Handlers.Count; i++)
                {
                    w.Line(fields[route.Handlers[i].Handler.TypeName] + " = handler" + Literals.Int(i) + ";");
                }

                if (route.HasInboxHandlers)
                {
                    w.Line(InboxField + " = inbox;");
                }

                w.CloseBrace()
                    .Line()
                    .Line("public override global::System.Threading.Tasks.ValueTask DispatchAsync(" + eventType + " @event, global::System.Threading.CancellationToken cancellationToken)")
                    .OpenBrace()
                    .Line("int current = 0;")
                    .Line("try")
                    .OpenBrace()
                    .Line("global::System.Threading.Tasks.ValueTask pending;");
                for (int i = 0; i < route.Handlers.Count; i++)
                {
                    string index = Literals.Int(i);
                    if (i > 0)
                    {
                        w.Line().Line("current = " + index + ";");
                    }

                    w.Line("pending = " + Call(route.Handlers[i], fields) + ";")
                        .Line("if (!pending.IsCompletedSuccessfully)")
                        .OpenBrace()
                        .Line("return ContinueAsync(" + index + ", pending, @event, cancellationToken);")
                        .CloseBrace()
                        .Line()
                        .Line("pending.GetAwaiter().GetResult();");
                }

                w.Line("return default;")
                    .CloseBrace()
                    .Line("catch (global::System.Exception exception)")
                    .OpenBrace()
                    .Line("return ContinueAfterFailure(current, exception, @event, cancellationToken);")
                    .CloseBrace()
                    .CloseBrace()
                    .Line()
                    .Line("public override global::System.Threading.Tasks.ValueTask InvokeAsync(int handlerIndex, " + eventType + " @event, global::System.Threading.CancellationToken cancellationToken)")
                    .OpenBrace()
                    .Line("switch (handlerIndex)")
                    .OpenBrace();
                for (int i = 0; i < route.Handlers.Count; i++)
                {
                    w.Line("case " + Literals.Int(i) + ": return " + Call(route.Handlers[i], fields) + ";");
                }

                w.Line("default: return ThrowHandlerIndexOutOfRange(handlerIndex);")
                    .CloseBrace()
                    .CloseBrace()
                    .CloseBrace();
            }

            internal static string EmitTopology(TableSpec table)
            {
                var w = new SourceWriter();
                WriteHeader(w);
                w.Line("namespace " + GeneratedNamespace)
                    .OpenBrace()
                    .Line("/// <summary>The topology manifest of this assembly: which handlers react to which events, and what they publish.</summary>")
                    .Line(GeneratedNames.GeneratedCodeAttribute)
                    .Line("internal static class EventDrivenTopology")
                    .OpenBrace()
                    .Line("/// <summary>Event types and their handlers in run order.</summary>")
                    .Line("public static global::EventDriven.Topology.EventTopology Topology => " + table.TableClassName + ".Instance.Topology;")
                    .Line()
                    .Line("/// <summary>The topology as a Mermaid flowchart.</summary>")
                    .Line("public static string Mermaid => Topology.ToMermaid();")
                    .CloseBrace()
                    .CloseBrace();
                return w.ToString();
            }

            private static void WriteHeader(SourceWriter w)
                => w.Line("// <auto-generated/>")
                    .Line("#nullable enable")
                    .Line();

            private static List<EventRoute> BuildRoutes(TableSpec table)
            {
                var byEvent = new SortedDictionary<string, (HandledEventSpec Event, List<RouteHandler> Handlers)>(System.StringComparer.Ordinal);
                foreach (HandlerSpec handler in table.Handlers)
                {
                    foreach (HandledEventSpec handled in handler.Events)
                    {
                        if (!byEvent.TryGetValue(handled.TypeName, out var entry))
                        {
                            entry = (handled, new List<RouteHandler>());
                            byEvent.Add(handled.TypeName, entry);
                        }

                        entry.Handlers.Add(new RouteHandler(handler, handled, table.LifetimeOf(handler)));
                    }
                }

                var names = GeneratedNames.UniqueNames(byEvent.Keys, byEvent.Values.Select(static e => e.Event.SimpleName + "Dispatcher"));
                return byEvent.Values
                    .Select(e => new EventRoute(
                        e.Event,
                        names[e.Event.TypeName],
                        e.Handlers.OrderBy(static h => h.Handler.Order).ThenBy(static h => h.Handler.DisplayName, System.StringComparer.Ordinal).ToList()))
                    .ToList();
            }

            private static string Call(RouteHandler handler, Dictionary<string, string> fields)
            {
                string field = fields[handler.Handler.TypeName];
                if (handler.Handler.Inbox)
                {
                    // Explicit type arguments: the handler is called through its IEventHandler<TEvent> constraint, which also
                    // reaches explicit implementations, and inference cannot pick a different event type.
                    return "global::EventDriven.Reliability.InboxDispatch.HandleOnceAsync<" + FieldType(handler) + ", " + handler.Event.TypeName + ">("
                        + InboxField + ", " + Literals.String(handler.Handler.DisplayName) + ", " + field + ", @event, cancellationToken)";
                }

                // The scope and transient wrappers' HandleAsync is public and resolves the handler as IEventHandler<TEvent>.
                return handler.Lifetime != SingletonLifetime || handler.Event.DirectCall
                    ? field + ".HandleAsync(@event, cancellationToken)"
                    : "((global::EventDriven.IEventHandler<" + handler.Event.TypeName + ">)" + field + ").HandleAsync(@event, cancellationToken)";
            }

            private static string Arguments(HandlerSpec handler)
                => string.Join(", ", handler.ConstructorParameters.Select(static (p, i) => p.DefaultValue is null
                    ? "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<" + p.TypeName + ">(serviceProvider)"
                    : "serviceProvider.GetService(typeof(" + p.TypeName + ")) is " + p.TypeName + " service" + Literals.Int(i) + " ? service" + Literals.Int(i) + " : " + p.DefaultValue));

            private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

            /// <summary>
            /// What the dispatcher holds for a handler: the singleton itself, called on its concrete type, or the runtime's wrapper that
            /// opens a scope (scoped) or resolves an instance (transient) per call.
            /// </summary>
            private static string FieldType(RouteHandler handler) => handler.Lifetime switch
            {
                ScopedLifetime => "global::EventDriven.Dispatch.ScopedHandler<" + handler.Handler.TypeName + ", " + handler.Event.TypeName + ">",
                TransientLifetime => "global::EventDriven.Dispatch.TransientHandler<" + handler.Handler.TypeName + ", " + handler.Event.TypeName + ">",
                _ => handler.Handler.TypeName,
            };

            private sealed record RouteHandler(HandlerSpec Handler, HandledEventSpec Event, int Lifetime);

            private sealed record EventRoute(HandledEventSpec Event, string DispatcherName, List<RouteHandler> Handlers)
            {
                /// <summary>Whether the dispatcher needs the inbox: only then does it get the field and the constructor parameter.</summary>
                public bool HasInboxHandlers => Handlers.Any(static h => h.Handler.Inbox);
            }
        }
    }
}
