namespace EventDriven.Testing;

/// <summary>
/// A clock that moves only when the test sets it, and whose timers never fire on their own. With it, a saga timeout fires only
/// when something runs the due timeouts — <see cref="EventDrivenTestHarness.WhenIdleAsync"/> does, and so does
/// <c>SagaRuntime.FireDueTimeoutsAsync</c> — so a test awaits every piece of work it starts: none is left running on a timer
/// thread. (To have timers fire as time moves, use <c>FakeTimeProvider</c> from Microsoft.Extensions.TimeProvider.Testing.)
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private long _utcTicks;

    /// <summary>Starts at <paramref name="start"/>, or 2030-01-01 12:00 UTC.</summary>
    public ManualClock(DateTimeOffset? start = null) => _utcTicks = (start ?? new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero)).UtcTicks;

    /// <summary>The clock's time (UTC). Setting it moves the clock; nothing fires.</summary>
    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _utcTicks, value.UtcTicks);
    }

    /// <summary>Moves the clock forward by <paramref name="by"/>; nothing fires.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _utcTicks, by.Ticks);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;

    /// <inheritdoc />
    /// <remarks>The timer is inert: it never calls <paramref name="callback"/>.</remarks>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new InertTimer();

    private sealed class InertTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
