namespace EventDriven;

/// <summary>One handler's failure while handling one event.</summary>
/// <param name="HandlerName">The failing handler's full type name (for runtime subscribers, the subscriber's type name).</param>
/// <param name="Exception">What it threw.</param>
public sealed record HandlerFailure(string HandlerName, Exception Exception);
