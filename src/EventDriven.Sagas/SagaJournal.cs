namespace EventDriven.Sagas;

/// <summary>
/// What a saga instance has done, saved in the same document as its state: the steps handled (in order), the compensations that ran,
/// the ids of every event handled (the deduplication that makes redelivery harmless) and why it was compensated.
/// </summary>
internal sealed class SagaJournal
{
    public List<string> Steps { get; } = [];

    public List<string> Compensated { get; } = [];

    public List<Guid> Handled { get; } = [];

    public string? Reason { get; set; }
}
