namespace EventDriven.Reliability;

/// <summary>An event one handler could not handle after every attempt its <see cref="RetryPolicy"/> allowed.</summary>
/// <param name="Event">The event (a struct event is boxed here: this is the failure path).</param>
/// <param name="HandlerName">The full type name of the handler that failed.</param>
/// <param name="Exception">The exception of the last attempt.</param>
/// <param name="Attempts">How many times the handler was called for this event (1 + retries).</param>
/// <param name="FailedAt">When the last attempt failed.</param>
public sealed record DeadLetter(IEvent Event, string HandlerName, Exception Exception, int Attempts, DateTimeOffset FailedAt);
