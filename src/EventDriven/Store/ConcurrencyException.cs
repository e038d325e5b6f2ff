namespace EventDriven.Store;

/// <summary>
/// An append expected a stream version that the stream no longer has: someone else appended first. Nothing of the append was written.
/// Read the stream again, decide again, and append with the new version.
/// </summary>
public sealed class ConcurrencyException : Exception
{
    /// <summary>Creates the exception for <paramref name="streamId"/>.</summary>
    public ConcurrencyException(string streamId, ExpectedVersion expected, long actual)
        : base($"Stream '{streamId}' is at version {(actual < 0 ? "none (empty)" : actual.ToString(System.Globalization.CultureInfo.InvariantCulture))}, but the append expected {expected}. Nothing was written; read the stream again and retry.")
    {
        StreamId = streamId;
        Expected = expected;
        ActualVersion = actual;
    }

    /// <summary>The stream the append was for.</summary>
    public string StreamId { get; }

    /// <summary>What the append expected.</summary>
    public ExpectedVersion Expected { get; }

    /// <summary>The stream's version when the append was checked (-1 for an empty stream).</summary>
    public long ActualVersion { get; }
}
