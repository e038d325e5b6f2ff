namespace EventDriven.Testing;

/// <summary>One handler's run on one event, as the test harness saw it.</summary>
/// <param name="EventId">The event's id.</param>
/// <param name="EventType">The event's <see cref="IEvent.EventType"/>.</param>
/// <param name="HandlerName">The handler's full type name (nested types joined with <c>.</c>).</param>
/// <param name="Error">The message of the first failure of this run, or <see langword="null"/> when the handler never threw. A run that
/// failed and then succeeded on a retry has an error and is still in <see cref="EventDrivenTestHarness.Handled"/>; whether the event
/// was dead-lettered in the end is in <see cref="EventDrivenTestHarness.DeadLettered"/>.</param>
public sealed record HandlerRun(Guid EventId, string EventType, string HandlerName, string? Error)
{
    /// <summary>Whether the handler threw at least once while handling the event.</summary>
    public bool Failed => Error is not null;
}
