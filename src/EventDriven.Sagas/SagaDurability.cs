namespace EventDriven.Sagas;

/// <summary>When a saga step's new state must be durable, relative to the step's follow-up events.</summary>
public enum SagaDurability
{
    /// <summary>
    /// The default. The new state is handed to the store, which writes it in its next group commit (a few milliseconds later),
    /// and the step's events are published at once. The bus consumer never waits for a disk: this is what keeps 100,000 sagas
    /// within seconds. A crash can lose the last commit window of saga state; the events redelivered after the restart re-run those
    /// steps (deduplicated by event id for everything that was saved), and an open saga whose follow-up was lost ends by its timeout.
    /// </summary>
    WriteBehind = 0,

    /// <summary>
    /// The step waits until the store has committed its new state before its events are published. Nothing published is ever
    /// ahead of the stored state, at the price of one commit wait per step on the consumer thread (use several partitions).
    /// </summary>
    AwaitCommit = 1,
}
