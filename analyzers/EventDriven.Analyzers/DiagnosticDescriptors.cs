using Microsoft.CodeAnalysis;

namespace EventDriven.Analyzers
{
    /// <summary>
    /// Every diagnostic the EventDriven analyzers report. IDs are stable and never renumbered or reused; a retired rule keeps its
    /// number. Each has a page at <c>docs/diagnostics/EDxxxx.md</c>, linked from the IDE.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        public const string MissingSubscriptionId = "ED0001";
        public const string UnpublishedEventId = "ED0002";
        public const string UnregisteredHandlerId = "ED0003";
        public const string NonIdempotentHandlerId = "ED0004";
        public const string InMemoryDeduplicationId = "ED0005";
        public const string NonDeterministicDerivedEventId = "ED0006";
        public const string BlockingCallId = "ED0007";
        public const string AsyncVoidId = "ED0008";
        public const string MutableEventId = "ED0009";
        public const string ImpureApplyId = "ED0010";
        public const string RaisedWithoutApplyId = "ED0011";
        public const string ApplyNeverRaisedId = "ED0012";
        public const string StateChangedOutsideApplyId = "ED0013";

        public const string SubscriptionsCategory = "EventDriven.Subscriptions";
        public const string IdempotencyCategory = "EventDriven.Idempotency";
        public const string HandlersCategory = "EventDriven.Handlers";
        public const string EventsCategory = "EventDriven.Events";
        public const string AggregatesCategory = "EventDriven.Aggregates";

        private const string HelpLinkBase = "https://github.com/eventdriven/eventdriven/blob/main/docs/diagnostics/";

        public static readonly DiagnosticDescriptor MissingSubscription = Create(
            MissingSubscriptionId,
            "Published event has no handler",
            "Nothing handles '{0}': no [EventHandler] class implements IEventHandler<{1}> and nothing subscribes to it, here or in a referenced assembly, so this publish reaches no one",
            "An event type is published but no [EventHandler] class for it, for one of its base classes or interfaces, or (when it is published as a base type) for a type derived from it exists in this project or in a referenced assembly that carries EventDriven handlers, and no IEventBus.Subscribe call names it. Add a handler for the type the event really is, or remove the publish.",
            SubscriptionsCategory,
            DiagnosticSeverity.Warning,
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor UnpublishedEvent = Create(
            UnpublishedEventId,
            "Handled event is never published",
            "'{0}' handles '{1}', but nothing in this application publishes it",
            "An [EventHandler] class handles an event type declared in this application, and no PublishAsync or PublishBatchAsync call in it names that type. Either a publish is missing or the handler is dead code.",
            SubscriptionsCategory,
            DiagnosticSeverity.Info,
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor UnregisteredHandler = Create(
            UnregisteredHandlerId,
            "Event handler is never registered",
            "'{0}' implements IEventHandler<{1}> but has no [EventHandler] attribute and is never created or passed to IEventBus.Subscribe, so it never runs",
            "Only [EventHandler] classes go into the generated dispatch table; any other IEventHandler<T> runs only when an instance is passed to IEventBus.Subscribe. This class is neither, and nothing in the project creates it. Add [EventHandler].",
            SubscriptionsCategory,
            DiagnosticSeverity.Warning,
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor NonIdempotentHandler = Create(
            NonIdempotentHandlerId,
            "Event handler is not idempotent",
            "'{0}' is not idempotent: {1}, so a redelivered event applies it twice; deduplicate by event id with [EventHandler(Inbox = true)], or declare [EventHandler(Idempotent = true)] if handling twice is already safe",
            "Delivery is at least once: retries, replays and broker redelivery hand the same event to a handler again. An accumulating side effect on state that outlives the call (+=, ++, Add/Append/Insert/Enqueue/Push/Increment on a field, a file append, an INSERT, an HTTP POST) then happens twice. Overwriting by key, removing, and anything on locals is left alone. [EventHandler(Inbox = true)] skips redelivered event ids durably and counts as a guard.",
            IdempotencyCategory,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor InMemoryDeduplication = Create(
            InMemoryDeduplicationId,
            "Event deduplication is kept in memory",
            "'{0}' remembers processed event ids in '{1}', in memory: it is lost on restart, grows without bound and is shared by concurrent consumers without a lock; use the durable inbox: [EventHandler(Inbox = true)]",
            "A set or dictionary of processed event ids kept in a handler field forgets everything when the process restarts, which is exactly when redelivery happens; it also grows forever and is not safe for concurrent consumers. Record processed ids durably, in the same transaction as the handler's effect: [EventHandler(Inbox = true)] with the SQLite inbox (AddEventDrivenSqlite) does that.",
            IdempotencyCategory,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor NonDeterministicDerivedEvent = Create(
            NonDeterministicDerivedEventId,
            "Derived event is not deterministic",
            "The '{0}' this handler creates takes its {1} from {2}: handling the same event again creates a different '{0}', and downstream sees a duplicate; derive it from the causing event",
            "A handler that creates a new event from the one it handles must create the same event every time it handles the same input. A fresh Guid.NewGuid() id or a DateTime.Now timestamp defeats deduplication downstream. Use DeterministicId.From(cause.Id, discriminator) and the cause's OccurredAt.",
            IdempotencyCategory,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor BlockingCall = Create(
            BlockingCallId,
            "Blocking call in an event handler",
            "'{0}' blocks the thread in an event handler and stalls its ring consumer; await instead",
            "Handlers run on the bus's consumer threads, one per partition. .Result, .Wait(), GetAwaiter().GetResult() and Thread.Sleep hold that thread, so every event behind this one waits, and a task that needs the consumer to finish deadlocks. In async code, synchronous I/O that has an awaitable twin (EF's Find and SaveChanges, ADO's Execute*, Open and Read) holds it for the whole round trip: call the Async form.",
            HandlersCategory,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor AsyncVoid = Create(
            AsyncVoidId,
            "async void in an event handler",
            "'{0}' is async void: the handler returns before it finishes, and an exception it throws crashes the process instead of reaching the bus's retry policy",
            "The bus awaits a handler's ValueTask to know when it is done and whether it failed. async void work escapes both: it races the next event and its exceptions are unobservable. Return Task and await it.",
            HandlersCategory,
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor MutableEvent = Create(
            MutableEventId,
            "Event type is mutable",
            "'{0}' has a public setter on event '{1}'; events are facts shared by every handler, so make it init-only",
            "One event instance reaches every handler, the ring and the store. A public setter (or a public non-readonly field, or a positional record struct that is not readonly) lets one handler change what the others and later replays see.",
            EventsCategory,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor ImpureApply = Create(
            ImpureApplyId,
            "Apply method has a side effect",
            "'{0}' {1}: Apply runs again every time the aggregate is loaded or replayed, so the effect repeats; do it in the command method that raises the event, or in a handler of the event",
            "An aggregate's Apply methods rebuild its state from stored events, on every load. They must only change the aggregate's own state: publishing, raising another event, awaiting, I/O (a bus, a store, HTTP, a database, a file) or reading the clock or a random source makes loading do it again or give a different state.",
            AggregatesCategory,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor RaisedWithoutApply = Create(
            RaisedWithoutApplyId,
            "Raised event has no Apply method",
            "'{0}' raises '{1}' but has no Apply method for it: the event is stored, and changes nothing in the aggregate now or when it is loaded again",
            "Raise applies the event through the generated switch; with no Apply for the event's type (or a base type or interface of it) the aggregate's state ignores it. Add an Apply method, empty if the event really changes nothing.",
            AggregatesCategory,
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor ApplyNeverRaised = Create(
            ApplyNeverRaisedId,
            "Apply method for an event the aggregate never raises",
            "'{0}' applies '{1}' but never raises it",
            "Only events in the aggregate's stream reach its Apply methods, and the repository stores what the aggregate raises. An Apply for an event it never raises is dead code, unless that event is written to the stream by something else (an import, a migration).",
            AggregatesCategory,
            DiagnosticSeverity.Info);

        public static readonly DiagnosticDescriptor StateChangedOutsideApply = Create(
            StateChangedOutsideApplyId,
            "Aggregate state changed outside Apply",
            "'{0}' changes '{1}' in '{2}', not in an Apply method: the change is not an event, so it is lost when the aggregate is loaded again; raise an event and change the state in its Apply",
            "An event-sourced aggregate's state is exactly what its stored events make it. An assignment, increment or collection change to its state anywhere but an Apply method (or its constructor, or RestoreSnapshot) holds only in this instance and disappears on the next load.",
            AggregatesCategory,
            DiagnosticSeverity.Warning);

        private static DiagnosticDescriptor Create(string id, string title, string message, string description, string category, DiagnosticSeverity severity, params string[] tags)
            => new(id, title, message, category, severity, isEnabledByDefault: true, description, HelpLinkBase + id + ".md", tags);
    }
}
