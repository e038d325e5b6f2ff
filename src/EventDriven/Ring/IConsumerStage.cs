namespace EventDriven.Ring;

/// <summary>
/// One step a ring consumer takes over every batch of published events, in the order the stages were composed: store-and-publish
/// before dispatch (<see cref="Store.StoreStage"/>), the handlers (<see cref="DispatchStage"/>), a journal after them. A new step
/// (an outbox relay) is one more stage in the consumer's array; the consumer loop does not change.
/// </summary>
/// <remarks>
/// <para>
/// The stages of one consumer run one after the other on its thread, each over the whole batch, and the slots are freed only after
/// the last. This is the Disruptor's gated chain of event processors with every processor on one thread: a later stage can never
/// overtake an earlier one, so "stored before handled" needs no gating sequences between threads, and per-partition order holds
/// without a second thread per stage. A stage that must not hold the handlers up (a relay to a broker) hands its work to its own
/// thread and returns.
/// </para>
/// <para>A stage reads events from the slots with their type known (<see cref="Dispatch.RouteBase"/>), so struct events stay unboxed.</para>
/// </remarks>
internal interface IConsumerStage
{
    /// <summary>
    /// Processes sequences <paramref name="from"/>..<paramref name="to"/> of <paramref name="consumer"/>'s ring (all published).
    /// </summary>
    /// <returns>
    /// False when <paramref name="abort"/> (the stop timeout) ended the batch: the consumer stops, and the stage has already counted
    /// with <see cref="EventProcessor.Abandon"/> the events it leaves undispatched.
    /// </returns>
    bool Process(EventProcessor consumer, long from, long to, CancellationToken abort);

    /// <summary>
    /// Told, before the slots are freed, that the stop timeout ended the consumer with <paramref name="from"/>..<paramref name="to"/>
    /// published but not finished by every stage: a stage that promised something about them (a receipt) keeps its word here.
    /// </summary>
    void Abandoned(EventProcessor consumer, long from, long to)
    {
    }
}
