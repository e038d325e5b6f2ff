using System.Collections.Concurrent;

namespace EventDriven.Reliability;

/// <summary>The default dead-letter sink: keeps every letter in memory, in arrival order, until <see cref="Drain"/> takes them.</summary>
public sealed class InMemoryDeadLetterSink : IDeadLetterSink
{
    private readonly ConcurrentQueue<DeadLetter> _letters = new();

    /// <summary>How many letters are held.</summary>
    public int Count => _letters.Count;

    /// <summary>A snapshot of the letters held.</summary>
    public IReadOnlyList<DeadLetter> Letters => [.. _letters];

    /// <inheritdoc />
    public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        _letters.Enqueue(letter);
        return default;
    }

    /// <summary>Removes and returns every letter held (e.g. to re-publish them once the cause is fixed).</summary>
    public IReadOnlyList<DeadLetter> Drain()
    {
        var drained = new List<DeadLetter>();
        while (_letters.TryDequeue(out DeadLetter? letter))
        {
            drained.Add(letter);
        }

        return drained;
    }
}
