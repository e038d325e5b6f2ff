namespace EventDriven.Sagas;

/// <summary>How a <see cref="SagaRuntime{TState}"/> persists and what it does with unexpected input.</summary>
public sealed class SagaOptions
{
    /// <summary>When a step's state must be durable relative to its published events. Default <see cref="SagaDurability.WriteBehind"/>.</summary>
    public SagaDurability Durability { get; set; } = SagaDurability.WriteBehind;

    /// <summary>What an event for a saga that was never started does. Default <see cref="SagaOrphanEventBehavior.Ignore"/>.</summary>
    public SagaOrphanEventBehavior OrphanEvents { get; set; } = SagaOrphanEventBehavior.Ignore;

    /// <summary>
    /// What an event that reaches a finished instance does when its type has no <c>WhenLate</c> declaration. Default
    /// <see cref="SagaLateEventBehavior.Ignore"/> (counted and logged as a warning).
    /// </summary>
    public SagaLateEventBehavior LateEvents { get; set; } = SagaLateEventBehavior.Ignore;

    /// <summary>
    /// How many finished (completed or compensated) saga ids are remembered in memory, so a timeout still queued for one of them is
    /// dropped without a store read. Older ones are still recognised, by one store read. (Events for finished instances are always
    /// read from the store: the journal tells a redelivery from a late event.) Default 65,536.
    /// </summary>
    public int FinishedSagasRemembered { get; set; } = 65_536;

    internal void Validate()
    {
        if (!Enum.IsDefined(Durability))
        {
            throw new ArgumentOutOfRangeException(nameof(Durability), Durability, "Unknown SagaDurability.");
        }

        if (!Enum.IsDefined(OrphanEvents))
        {
            throw new ArgumentOutOfRangeException(nameof(OrphanEvents), OrphanEvents, "Unknown SagaOrphanEventBehavior.");
        }

        if (!Enum.IsDefined(LateEvents))
        {
            throw new ArgumentOutOfRangeException(nameof(LateEvents), LateEvents, "Unknown SagaLateEventBehavior.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(FinishedSagasRemembered, nameof(FinishedSagasRemembered));
    }
}
