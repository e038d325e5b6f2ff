namespace EventDriven.Testing;

/// <summary>
/// An expectation about published events did not hold. The message says what was expected and lists what was published instead,
/// so a failing test reads without a debugger.
/// </summary>
public sealed class EventAssertionException : Exception
{
    /// <summary>Creates the exception with its full message.</summary>
    public EventAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its full message and the failure that caused it.</summary>
    public EventAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public EventAssertionException()
        : base("An expectation about published events did not hold.")
    {
    }
}
