namespace EventDriven.Testing;

/// <summary>
/// <see cref="EventDrivenTestHarness.WhenIdleAsync"/> ran out of time: work was still pending. The message lists what (events queued
/// on the ring, handlers running and on which events, publishes in progress, saga timeout passes, inbox marks in flight).
/// </summary>
public sealed class BusNotIdleException : TimeoutException
{
    /// <summary>Creates the exception with its full message.</summary>
    public BusNotIdleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its full message and the failure that caused it.</summary>
    public BusNotIdleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public BusNotIdleException()
        : base("The event bus did not become idle in time.")
    {
    }
}
