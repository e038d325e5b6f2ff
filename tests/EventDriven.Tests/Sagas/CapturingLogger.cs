using Microsoft.Extensions.Logging;

namespace EventDriven.Tests.Sagas;

/// <summary>A logger that keeps every entry (level, event name, rendered message), for asserting what an operator would see.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, string EventName, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string EventName, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, eventId.Name ?? string.Empty, formatter(state, exception)));
        }
    }
}
