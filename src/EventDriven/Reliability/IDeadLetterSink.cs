namespace EventDriven.Reliability;

/// <summary>
/// Receives events that a handler failed on for good. The default keeps them in memory (<see cref="InMemoryDeadLetterSink"/>);
/// register your own implementation before <c>AddEventDriven()</c> to store them durably.
/// </summary>
public interface IDeadLetterSink
{
    /// <summary>Stores one dead letter. An exception thrown here is counted and the letter kept in memory instead; it never stops the consumer.</summary>
    ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken);
}
