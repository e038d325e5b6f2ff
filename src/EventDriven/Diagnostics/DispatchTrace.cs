using System.Diagnostics;

namespace EventDriven.Diagnostics;

/// <summary>
/// What a traced dispatch needs to open one consumer span per handler (OpenTelemetry messaging conventions): the event's names and
/// ids, and the publisher's span as a link (ring buffer; the consumer thread has no current span) or as the implicit parent (inline,
/// where the dispatch runs on the publisher's flow). Created only while a tracer listens.
/// </summary>
internal sealed class DispatchTrace(string eventTypeName, string eventType, Guid eventId, Activity? publisher)
{
    private readonly ActivityLink[]? _links = publisher is null ? null : [new ActivityLink(publisher.Context)];
    private readonly string _spanName = "process " + eventTypeName;
    private readonly string _destination = eventType;
    private readonly EventContext _context = EventContext.Current;

    /// <summary>Starts the span of one handler's run (retries included); null when the listener does not sample it.</summary>
    public Activity? StartHandler(string handlerName)
    {
        Activity? activity = EventDrivenActivitySource.Source.StartActivity(ActivityKind.Consumer, parentContext: default, links: _links, name: _spanName);
        if (activity is not null)
        {
            activity.SetTag("messaging.system", "eventdriven");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", _destination);
            activity.SetTag("messaging.message.id", (_context.IsActive ? _context.EventId : eventId).ToString());
            activity.SetTag("messaging.message.conversation_id", _context.CorrelationId.ToString());
            activity.SetTag("eventdriven.handler", handlerName);
        }

        return activity;
    }
}
