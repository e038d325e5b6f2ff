using System.Globalization;
using System.Text;

namespace EventDriven.Testing;

/// <summary>
/// The events published in a test, in order, with the assertions both <see cref="RecordingEventBus"/> and
/// <see cref="EventDrivenTestHarness"/> offer. Thread-safe.
/// </summary>
internal sealed class PublishedEventLog
{
    private const int ListedInMessages = 20;

    private readonly List<IEvent> _events = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<IEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public void Add(IEvent @event)
    {
        lock (_gate)
        {
            _events.Add(@event);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _events.Clear();
        }
    }

    public IReadOnlyList<TEvent> Published<TEvent>()
        where TEvent : IEvent
    {
        lock (_gate)
        {
            return [.. _events.OfType<TEvent>()];
        }
    }

    public TEvent Single<TEvent>(Func<TEvent, bool>? where)
        where TEvent : IEvent
    {
        TEvent[] matches = [.. Published<TEvent>().Where(e => where is null || where(e))];
        if (matches.Length == 1)
        {
            return matches[0];
        }

        string expectation = where is null ? $"exactly one {typeof(TEvent).Name}" : $"exactly one {typeof(TEvent).Name} matching the condition";
        string found = matches.Length == 0 ? "none was" : matches.Length.ToString(CultureInfo.InvariantCulture) + " were";
        throw new EventAssertionException($"Expected {expectation} to be published, but {found}. {Describe()}");
    }

    public void None<TEvent>(Func<TEvent, bool>? where)
        where TEvent : IEvent
    {
        int count = Published<TEvent>().Count(e => where is null || where(e));
        if (count != 0)
        {
            string condition = where is null ? string.Empty : " matching the condition";
            throw new EventAssertionException($"Expected no {typeof(TEvent).Name}{condition} to be published, but {count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? "was" : "were")}. {Describe()}");
        }
    }

    /// <summary>What was published, for an assertion message: the first events with type, id, source and values.</summary>
    public string Describe()
    {
        IReadOnlyList<IEvent> events = Events;
        if (events.Count == 0)
        {
            return "Nothing was published.";
        }

        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Published ({events.Count}):"));
        foreach (IEvent e in events.Take(ListedInMessages))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  {e.EventType} {e.Id} from {e.Source}: {e}");
        }

        if (events.Count > ListedInMessages)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  … and {events.Count - ListedInMessages} more");
        }

        return text.ToString();
    }
}
