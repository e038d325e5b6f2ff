namespace EventDriven;

/// <summary>What an idle consumer does while it waits for events.</summary>
public enum WaitStrategy
{
    /// <summary>Spin briefly, then sleep until a producer wakes it. An idle bus costs next to no CPU; waking adds a few microseconds. The default.</summary>
    Blocking,

    /// <summary>Spin, then <see cref="Thread.Yield"/> in a loop: lower wake-up latency, but an idle consumer keeps a core busy with other work's leftovers.</summary>
    Yielding,

    /// <summary>Spin without ever yielding: lowest latency, and one full core per consumer even when idle. For dedicated machines only.</summary>
    BusySpin,
}
