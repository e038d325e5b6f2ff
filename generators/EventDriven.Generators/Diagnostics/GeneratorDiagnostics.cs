using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Diagnostics
{
    /// <summary>
    /// Why an <c>[EventHandler]</c> class could not go into the dispatch table (EDG001-EDG006 and, for sagas, EDG010-EDG012, errors: a handler the author marked but
    /// that would never run is a bug, so it is never left out silently), and what the event type catalog could not describe
    /// (EDG007-EDG009). IDs are stable; never renumber.
    /// </summary>
    internal static class GeneratorDiagnostics
    {
        public const string AbstractHandlerId = "EDG001";
        public const string GenericHandlerId = "EDG002";
        public const string NotAHandlerId = "EDG003";
        public const string InaccessibleTypeId = "EDG004";
        public const string NoUsableConstructorId = "EDG005";
        public const string AmbiguousConstructorId = "EDG006";
        public const string UndescribableEventTypeId = "EDG007";
        public const string EventTypeNameNotConstantId = "EDG008";
        public const string DuplicateEventTypeNameId = "EDG009";
        public const string SagaNotPartialId = "EDG010";
        public const string SagaWithoutRuntimeId = "EDG011";
        public const string SagaWithoutDefineId = "EDG012";
        public const string DisposableTransientHandlerId = "EDG013";
        public const string AggregateNotPartialId = "EDG014";
        public const string NotAnAggregateId = "EDG015";
        public const string AggregateWithoutConstructorId = "EDG016";
        public const string ApplyMethodIgnoredId = "EDG017";

        private const string Category = "EventDriven.Generator";
        private const string HelpLinkBase = "https://github.com/eventdriven/eventdriven/blob/main/docs/diagnostics/";

        public static readonly DiagnosticDescriptor AbstractHandler = Create(
            AbstractHandlerId,
            "Event handler is abstract",
            "'{0}' is marked [EventHandler] but is abstract, so it cannot be created; mark its concrete subclasses instead",
            "The dispatch table creates one instance of each handler. An abstract class has none; put [EventHandler] on the concrete classes that derive from it.");

        public static readonly DiagnosticDescriptor GenericHandler = Create(
            GenericHandlerId,
            "Event handler is an open generic type",
            "'{0}' is marked [EventHandler] but is generic (or nested in a generic type), so the table cannot name a concrete type; derive a non-generic class closed over the event type and mark that",
            "Static dispatch needs concrete types. Close the generic over a concrete event, e.g. 'sealed class AuditOrders : AuditHandler<OrderSubmitted>', and mark the closed class.");

        public static readonly DiagnosticDescriptor NotAHandler = Create(
            NotAHandlerId,
            "[EventHandler] class implements no IEventHandler<T>",
            "'{0}' is marked [EventHandler] but implements no IEventHandler<TEvent>, so it would never receive an event",
            "Implement EventDriven.IEventHandler<TEvent> for each event the class handles, directly or through a base class, or remove the attribute.");

        public static readonly DiagnosticDescriptor InaccessibleType = Create(
            InaccessibleTypeId,
            "Event handler or event type is not accessible to the generated table",
            "'{0}' is marked [EventHandler] but {1} is {2}, so the generated dispatch table cannot reference it; make it public or internal",
            "The generated table lives in the same assembly but outside your types: private, protected and file-local types (and types nested in them) are invisible to it.");

        public static readonly DiagnosticDescriptor NoUsableConstructor = Create(
            NoUsableConstructorId,
            "Event handler has no usable constructor",
            "'{0}' is marked [EventHandler] but has no public or internal instance constructor, so the generated factory cannot create it",
            "Handlers are created by the generated dependency-injection factory, which calls a public or internal constructor; add one.");

        public static readonly DiagnosticDescriptor AmbiguousConstructor = Create(
            AmbiguousConstructorId,
            "Event handler has ambiguous constructors",
            "'{0}' has {1} constructors with {2} parameters, so the generated factory cannot choose one; mark the one to use with [ActivatorUtilitiesConstructor]",
            "The generated factory uses the constructor marked [ActivatorUtilitiesConstructor], otherwise the one with the most parameters; several with the same largest count are ambiguous.");

        public static readonly DiagnosticDescriptor UndescribableEventType = Create(
            UndescribableEventTypeId,
            "Event type gets no generated JSON metadata",
            "The generator writes no JSON metadata for event type '{0}': its member '{1}' has type '{2}', which {3}; register metadata for it with EventTypeRegistry.AddResolver (e.g. a JsonSerializerContext), or change the member's type",
            "The generated catalog describes records, classes and structs made of primitives, strings, Guid, date and time types, Uri, byte[], enums, Nullable<T>, arrays, List<T>, the common collection interfaces and string-keyed dictionaries. For anything else the event is left out of the generated metadata, and serializing it needs your own resolver.",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor EventTypeNameNotConstant = Create(
            EventTypeNameNotConstantId,
            "EventType is not a compile-time constant",
            "EventType of '{0}' is not a compile-time constant; the store learns its name from the first instance it writes, so reading in a fresh process fails until then",
            "Stored events are read back by their EventType name. Return a string literal, a const or nameof(...) from EventType (an expression body, a getter returning it, or '{ get; } = \"...\"'), or register the name with EventTypeRegistry.Add<TEvent>(name).",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor DuplicateEventTypeName = Create(
            DuplicateEventTypeNameId,
            "Two event types have the same EventType name",
            "'{0}' and '{1}' both name their EventType '{2}'; stored events are read back by this name, so it must be unique",
            "The event store keeps the EventType name instead of the CLR type name, and reads each stored event back as the one type registered under it. Give each event type its own name.",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor SagaNotPartial = Create(
            SagaNotPartialId,
            "Saga class is not partial",
            "'{0}' declares saga events in Define that it does not handle by hand, so the generator writes their IEventHandler<TEvent> glue in a part of the class; declare it (and every type containing it) partial",
            "A saga declares each event once, in Define; the generator implements IEventHandler<TEvent> for each event StartsWith, Step, CompleteOn or CompensateOn routes to it, in a partial part of the class.");

        public static readonly DiagnosticDescriptor SagaWithoutRuntime = Create(
            SagaWithoutRuntimeId,
            "Saga class has no runtime to delegate to",
            "'{0}' declares saga events in Define, but the generated glue has no '{1}' to hand them to; take one as a primary constructor parameter, or keep it in an instance field or property",
            "The generated IEventHandler<TEvent> glue calls runtime.HandleAsync(@event, cancellationToken) on the saga's SagaRuntime<TState>, where TState is the state type of Define's SagaDefinition<TState>.");

        public static readonly DiagnosticDescriptor SagaWithoutDefine = Create(
            SagaWithoutDefineId,
            "Saga class has no Define",
            "'{0}' takes a SagaRuntime<TState> but has no static Define(SagaDefinition<TState> saga, ...) and handles no event, so it would never receive one; declare the saga's events in Define",
            "The generator reads the events a saga handles from the StartsWith, Step, CompleteOn and CompensateOn calls in its static Define method, whose first parameter is the SagaDefinition<TState> to fill.");

        public static readonly DiagnosticDescriptor DisposableTransientHandler = Create(
            DisposableTransientHandlerId,
            "Transient event handler is disposable",
            "'{0}' is a transient handler (by {1}) and disposable: transients are resolved from the root container, which keeps every disposable instance it creates until the application stops; make it Lifetime = HandlerLifetime.Scoped (disposed after each event) or a singleton",
            "A transient handler is resolved from the root container once per event. The container tracks disposable transients so it can dispose them at shutdown, so every event would leak one instance. A scoped handler gets a scope per event, disposed when the handler completes.");

        public static readonly DiagnosticDescriptor AggregateNotPartial = Create(
            AggregateNotPartialId,
            "Aggregate class is not partial",
            "'{0}' is an [Aggregate] but it (or a type containing it) is not partial; declare every part partial so the generator can write its event switch",
            "The generator writes the aggregate's ApplyEvent switch and factory into another part of the class.");

        public static readonly DiagnosticDescriptor NotAnAggregate = Create(
            NotAnAggregateId,
            "Class cannot be an aggregate",
            "'{0}' cannot be an [Aggregate]: {1}",
            "An aggregate is a concrete, non-generic class deriving from EventDriven.Aggregates.AggregateRoot.");

        public static readonly DiagnosticDescriptor AggregateWithoutConstructor = Create(
            AggregateWithoutConstructorId,
            "Aggregate has no parameterless constructor",
            "'{0}' has no parameterless constructor; the repository creates an empty instance before applying the stream's events, so add one (it may be private)",
            "The generated factory calls the parameterless constructor; the aggregate's state then comes from its events only.");

        public static readonly DiagnosticDescriptor ApplyMethodIgnored = Create(
            ApplyMethodIgnoredId,
            "Apply method is not an event applier",
            "'{0}.{1}' is named Apply but is not called for any event: {2}",
            "The generated switch calls instance methods named Apply that return void and take one parameter of an IEvent type. Any other Apply method is not called on load, which is almost always a mistake.",
            DiagnosticSeverity.Warning);

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
        {
            [AbstractHandlerId] = AbstractHandler,
            [GenericHandlerId] = GenericHandler,
            [NotAHandlerId] = NotAHandler,
            [InaccessibleTypeId] = InaccessibleType,
            [NoUsableConstructorId] = NoUsableConstructor,
            [AmbiguousConstructorId] = AmbiguousConstructor,
            [UndescribableEventTypeId] = UndescribableEventType,
            [EventTypeNameNotConstantId] = EventTypeNameNotConstant,
            [DuplicateEventTypeNameId] = DuplicateEventTypeName,
            [SagaNotPartialId] = SagaNotPartial,
            [SagaWithoutRuntimeId] = SagaWithoutRuntime,
            [SagaWithoutDefineId] = SagaWithoutDefine,
            [DisposableTransientHandlerId] = DisposableTransientHandler,
            [AggregateNotPartialId] = AggregateNotPartial,
            [NotAnAggregateId] = NotAnAggregate,
            [AggregateWithoutConstructorId] = AggregateWithoutConstructor,
            [ApplyMethodIgnoredId] = ApplyMethodIgnored,
        };

        public static DiagnosticDescriptor ById(string id) => s_byId[id];

        private static DiagnosticDescriptor Create(string id, string title, string message, string description, DiagnosticSeverity severity = DiagnosticSeverity.Error)
            => new(id, title, message, Category, severity, isEnabledByDefault: true, description, HelpLinkBase + id + ".md");
    }
}
