namespace EventDriven.Outbox;

/// <summary>
/// The broker refused one message (unroutable, rejected) while it can still take others: what a transport reports for that message
/// in <see cref="OutboxSendResult.Failure"/>. The relay then defers the message and holds back only its partition key
/// (<see cref="IOutboxSource.DeferAsync"/>), instead of stopping the whole outbox behind it.
/// </summary>
public class OutboxMessageRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboxMessageRefusedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
