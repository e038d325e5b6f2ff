namespace EventDriven.Tests.Fixtures;

/// <summary>Each test's own log of handler calls (registered per service provider, so tests do not see each other's calls).</summary>
public sealed class Recorder
{
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Counts without allocating, for the allocation tests.</summary>
    public long Count;

    public void Record(string call)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }
    }
}
