using EventDriven;
using EventDriven.Diagnostics;

namespace ECommerce.Simulation;

/// <summary>
/// Moves a fake clock for the saga's payment timeouts, so a test run never depends on how fast the machine is: time advances only
/// when the shop is quiet, and then by a whole payment timeout. With the system clock (every real run) it does nothing.
/// </summary>
/// <remarks>
/// <para>
/// "Quiet" is exact: the driver runs only where the customers' loop waits (so no customer is publishing), and the ring is empty
/// (<see cref="EventBusCounters.QueueDepth"/> counts an event until its whole batch was dispatched, follow-ups included). At that point
/// every order still open is waiting for nothing but its timeout — a payment that answered has already completed its saga — so
/// firing the due timeouts cannot overtake a reply in flight. A late reply happens in tests only when one asks for it
/// (<see cref="Payments.PaymentGateway.BeforeIssuerAnswers"/>).
/// </para>
/// <para>
/// The clock-driven loop polls the ring's depth every millisecond: the poll is how often the exact condition is read, not a guess
/// that work has finished.
/// </para>
/// </remarks>
public sealed class ShopClock(EventBus bus, TimeSpan step, Action<TimeSpan>? advance)
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(1);

    /// <summary>Whether this clock moves time itself (a test's fake clock).</summary>
    public bool DrivesTime => advance is not null;

    /// <summary>Takes a customer slot; while none is free and the shop is quiet, moves time so that due timeouts fire.</summary>
    public async Task WaitForSlotAsync(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (advance is null)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!await slots.WaitAsync(s_poll, cancellationToken).ConfigureAwait(false))
        {
            AdvanceIfQuiet();
        }
    }

    /// <summary>Moves time by one step if nothing is in flight (call it only where no customer is publishing).</summary>
    public void AdvanceIfQuiet()
    {
        if (advance is not null && bus.Counters.QueueDepth == 0)
        {
            advance(step);
        }
    }

    /// <summary>How long to wait between two reads of the job's exit condition.</summary>
    public static TimeSpan Poll => s_poll;
}
