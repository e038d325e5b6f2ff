namespace EventDriven.Store;

/// <summary>
/// What an append expects the stream's current version to be: the optimistic-concurrency check of <see cref="IEventStore.AppendAsync"/>.
/// Versions count from 0: a stream with one event is at version 0.
/// </summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>Append whatever the stream's version is (no concurrency check): audit trails, store-and-publish.</summary>
    public static ExpectedVersion Any { get; } = new(-2);

    /// <summary>The stream must not exist yet (no event stored in it).</summary>
    public static ExpectedVersion NoStream { get; } = new(-1);

    /// <summary>The raw value: -2 for <see cref="Any"/>, -1 for <see cref="NoStream"/>, otherwise the version of the stream's last event.</summary>
    public long Value { get; }

    /// <summary>True for <see cref="Any"/>.</summary>
    public bool IsAny => Value == -2;

    /// <summary>
    /// The stream's last event must have version <paramref name="version"/>; -1 (an empty stream, as <see cref="AppendResult.StreamVersion"/>
    /// and reads report it) is <see cref="NoStream"/>, so <c>Exactly(result.StreamVersion)</c> always round-trips.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is below -1.</exception>
    public static ExpectedVersion Exactly(long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, -1);
        return new ExpectedVersion(version);
    }

    /// <summary>Whether a stream whose last version is <paramref name="actual"/> (-1 when empty) satisfies this expectation.</summary>
    public bool IsSatisfiedBy(long actual) => IsAny || Value == actual;

    /// <inheritdoc />
    public override string ToString() => Value switch
    {
        -2 => "any",
        -1 => "no stream",
        _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
