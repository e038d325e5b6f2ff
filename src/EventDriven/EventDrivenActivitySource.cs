using System.Diagnostics;

namespace EventDriven;

/// <summary>
/// Tracing: the <see cref="ActivitySource"/> named "EventDriven". When a listener samples it, each handler execution in ring-buffer
/// mode gets a consumer span linked to the publisher's span; when nobody listens, the bus only checks <see cref="ActivitySource.HasListeners"/>.
/// </summary>
public static class EventDrivenActivitySource
{
    /// <summary>The source name to subscribe to, e.g. <c>tracing.AddSource("EventDriven")</c> in OpenTelemetry.</summary>
    public const string Name = "EventDriven";

    internal static readonly ActivitySource Source = new(Name, typeof(EventDrivenActivitySource).Assembly.GetName().Version?.ToString());
}
