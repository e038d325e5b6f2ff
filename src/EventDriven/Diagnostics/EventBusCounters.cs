namespace EventDriven.Diagnostics;

/// <summary>
/// What a bus has counted so far, read in one go from <see cref="IEventBus.Counters"/>. The bus's metrics (the <c>EventDriven</c>
/// meter) report these same numbers, so a dashboard and a test read one story.
/// </summary>
/// <param name="QueueDepth">Events published but not yet consumed, over all partitions (0 in inline mode); an event counts until its
/// whole consumer batch was dispatched, its handlers' follow-up events included.</param>
/// <param name="Dropped">Events discarded because a ring was full under <see cref="BackpressureMode.Drop"/>.</param>
/// <param name="Abandoned">Events still in a ring when the stop timeout cancelled the consumers: accepted, never handled.</param>
/// <param name="ConsumerFaults">Exceptions a consumer survived that were not handler failures (a failing dead-letter sink, a bug in a
/// failure policy).</param>
/// <param name="Stored">Events appended to the event store by store-and-publish (<see cref="EventDrivenOptions.EventStorage"/>).</param>
/// <param name="StoreRejected">Events the event store refused (too large, not serializable, or failing after every retry):
/// dead-lettered under the handler name <c>EventDriven.EventStore</c>.</param>
/// <param name="InboxMarksInFlight">Inbox marks of the registered <see cref="Reliability.IInbox"/> written after their handler
/// succeeded and not yet confirmed by the inbox.</param>
/// <param name="InboxMarkFailures">Inbox marks that failed after their handler succeeded: those events would run again if redelivered.</param>
public readonly record struct EventBusCounters(
    long QueueDepth,
    long Dropped,
    long Abandoned,
    long ConsumerFaults,
    long Stored,
    long StoreRejected,
    long InboxMarksInFlight,
    long InboxMarkFailures);
