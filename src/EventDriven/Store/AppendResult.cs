namespace EventDriven.Store;

/// <summary>What an append did.</summary>
/// <param name="StreamVersion">The stream's version after the append: pass it as <see cref="ExpectedVersion.Exactly"/> to the next append. -1 if the stream is still empty.</param>
/// <param name="LastPosition">The global position of the last event written, or of the stream's last event when nothing was written.</param>
/// <param name="Appended">How many events were written.</param>
/// <param name="Duplicates">Ids of events that were already stored and therefore not written again (a retried append after a crash or timeout).</param>
public sealed record AppendResult(long StreamVersion, long LastPosition, int Appended, IReadOnlyList<Guid> Duplicates)
{
    /// <summary>True when every event of the append was already stored: the append was a retry of one that had succeeded.</summary>
    public bool WasDuplicate => Appended == 0 && Duplicates.Count > 0;
}
