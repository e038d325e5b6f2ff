using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Diagnostics
{
    /// <summary>
    /// Why an <c>[EventHandler]</c> class could not go into the dispatch table. Each is an error: a handler the author marked but
    /// that would never run is a bug, so it is never left out silently. IDs are stable; never renumber.
    /// </summary>
    internal static class GeneratorDiagnostics
    {
        public const string AbstractHandlerId = "EDG001";
        public const string GenericHandlerId = "EDG002";
        public const string NotAHandlerId = "EDG003";
        public const string InaccessibleTypeId = "EDG004";
        public const string NoUsableConstructorId = "EDG005";
        public const string AmbiguousConstructorId = "EDG006";

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

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
        {
            [AbstractHandlerId] = AbstractHandler,
            [GenericHandlerId] = GenericHandler,
            [NotAHandlerId] = NotAHandler,
            [InaccessibleTypeId] = InaccessibleType,
            [NoUsableConstructorId] = NoUsableConstructor,
            [AmbiguousConstructorId] = AmbiguousConstructor,
        };

        public static DiagnosticDescriptor ById(string id) => s_byId[id];

        private static DiagnosticDescriptor Create(string id, string title, string message, string description)
            => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpLinkBase + id + ".md");
    }
}
