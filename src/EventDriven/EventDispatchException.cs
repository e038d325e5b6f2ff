using System.Text;

namespace EventDriven;

/// <summary>
/// One or more handlers failed while an event was dispatched. The other handlers of the event still ran:
/// a failing handler never starves the rest.
/// </summary>
public sealed class EventDispatchException : Exception
{
    /// <summary>Creates the exception; <see cref="Exception.InnerException"/> is the first failure's exception.</summary>
    public EventDispatchException(string eventType, Guid eventId, IReadOnlyList<HandlerFailure> failures)
        : base(FormatMessage(eventType, eventId, failures), failures is [var first, ..] ? first.Exception : null)
    {
        EventType = eventType;
        EventId = eventId;
        Failures = failures;
    }

    /// <summary>The <see cref="IEvent.EventType"/> of the event.</summary>
    public string EventType { get; }

    /// <summary>The <see cref="IEvent.Id"/> of the event.</summary>
    public Guid EventId { get; }

    /// <summary>Every handler that failed, in run order.</summary>
    public IReadOnlyList<HandlerFailure> Failures { get; }

    private static string FormatMessage(string eventType, Guid eventId, IReadOnlyList<HandlerFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var message = new StringBuilder()
            .Append(failures.Count).Append(failures.Count == 1 ? " handler" : " handlers")
            .Append(" failed for event '").Append(eventType).Append("' (id ").Append(eventId).Append("): ");
        for (int i = 0; i < failures.Count; i++)
        {
            if (i > 0)
            {
                message.Append("; ");
            }

            message.Append(failures[i].HandlerName).Append(" threw ")
                .Append(failures[i].Exception.GetType().Name).Append(": ").Append(failures[i].Exception.Message);
        }

        return message.ToString();
    }
}
