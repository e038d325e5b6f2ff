namespace ECommerce.Tests;

/// <summary>
/// A clock the test sets, whose timers never fire: a saga's timeouts then run only when the test calls
/// <c>FireDueTimeoutsAsync</c>, so the test awaits every piece of work it started (no pass left running on a timer thread).
/// </summary>
internal sealed class ClockWithoutTimers : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new SilentTimer();

    private sealed class SilentTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
