namespace EventDriven.RabbitMQ;

/// <summary>
/// A received message that can never be handled here: an unknown event type, a newer schema, a corrupt or oversized body, missing
/// headers. It goes to the endpoint's dead-letter queue with this message as the reason, and the consumer goes on.
/// </summary>
public sealed class PoisonMessageException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public PoisonMessageException(string reason, Exception? inner = null)
        : base(reason, inner)
    {
    }
}
