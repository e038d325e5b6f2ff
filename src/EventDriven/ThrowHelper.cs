using System.Diagnostics.CodeAnalysis;

namespace EventDriven;

/// <summary>Throws from separate methods so the hot paths that call them stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgumentNull(string paramName) => throw new ArgumentNullException(paramName);

    [DoesNotReturn]
    public static void ThrowBusStopped() => throw new InvalidOperationException(
        "The event bus has been stopped; events published after StopAsync are rejected so that none is silently lost. Publish before the host shuts down.");
}
