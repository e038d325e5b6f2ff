using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EventDriven.Tests.Fixtures;

/// <summary>Keeps every log message written through it, with its level and event name, for tests to assert on.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string EventName, string Message)> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Messages.Enqueue((logLevel, eventId.Name ?? string.Empty, formatter(state, exception)));
    }
}
