namespace EventDriven.Sqlite;

/// <summary>
/// How hard SQLite works to make a committed transaction survive a crash (its <c>PRAGMA synchronous</c>, with the WAL journal).
/// </summary>
/// <remarks>
/// Group commit makes <see cref="Full"/> cheap: one fsync covers every append committed together, so durability costs latency
/// (each append waits for the fsync of its group), not throughput. Choose <see cref="Normal"/> only when losing the last
/// acknowledged appends on a power loss is acceptable.
/// </remarks>
public enum SqliteSynchronous
{
    /// <summary>
    /// The default. The write-ahead log is synced to the disk at every commit, before the append is acknowledged: an acknowledged
    /// append survives a process crash, an operating-system crash and a power loss.
    /// </summary>
    Full = 0,

    /// <summary>
    /// The log is synced only at checkpoints. An acknowledged append survives a crash of the process, but the last transactions
    /// before an operating-system crash or a power loss may be lost (the database itself stays consistent: never torn, never
    /// corrupt). Faster when the disk's sync is slow.
    /// </summary>
    Normal = 1,
}
