using EventDriven.Store;
using FsCheck.Xunit;

// The property runs a whole scenario synchronously; the stores' tasks complete on their own threads, so blocking cannot deadlock.
#pragma warning disable xUnit1031

namespace EventDriven.Storage.Contracts;

/// <summary>
/// Model-based: any sequence of appends (to three streams, with every kind of expected version, fresh and retried event ids) and
/// reads behaves like a plain list of events. Checked after each step and at the end: results and conflicts exactly as the model
/// says, positions dense and increasing, versions gap-free, reads return what was appended.
/// </summary>
public abstract class EventStoreModelProperties(Func<StoreFactory> newFactory)
{
    private static readonly string[] s_streams = ["cart-a", "cart-b", "cart-c"];

    /// <summary>
    /// Each operation: kind 0-1 appends (A picks the stream and the kind of expected version, B the number of events and whether one
    /// repeats an id already stored), kind 2 retries an earlier append exactly, kind 3 reads a stream and the store from a point.
    /// </summary>
    [Property(MaxTest = 40, EndSize = 60)]
    public bool Property_AppendsAndReadsMatchAnInMemoryListOfEvents((byte Kind, byte A, byte B)[] operations)
    {
        StoreFactory factory = newFactory();
        try
        {
            IEventStore store = factory.Create();
            var model = new Model();
            var history = new List<(string Stream, EventToAppend[] Events, ExpectedVersion Expected)>();
            foreach ((byte kind, byte a, byte b) in operations)
            {
                switch (kind % 4)
                {
                    case 0 or 1:
                        string stream = s_streams[a % s_streams.Length];
                        EventToAppend[] events = NewEvents(stream, b % 3 + 1, model, repeatStored: b % 7 == 0);
                        ExpectedVersion expected = ((a / 3) % 4) switch
                        {
                            0 => ExpectedVersion.Any,
                            1 => ExpectedVersion.NoStream,
                            2 => model.Version(stream) < 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(model.Version(stream)),
                            _ => ExpectedVersion.Exactly(model.Version(stream) + 1 + (b % 2)),
                        };
                        history.Add((stream, events, expected));
                        Check(store, model, stream, events, expected);
                        break;
                    case 2 when history.Count > 0:
                        (string Stream, EventToAppend[] Events, ExpectedVersion Expected) earlier = history[a % history.Count];
                        Check(store, model, earlier.Stream, earlier.Events, earlier.Expected);
                        break;
                    case 3:
                        string read = s_streams[a % s_streams.Length];
                        long fromVersion = b % (model.Version(read) + 2);
                        long afterPosition = b % (model.All.Count + 1);
                        Equal(model.All.Where(e => e.Stream == read && e.Version >= fromVersion), StoreRead.AllAsync(store.ReadStreamAsync(read, fromVersion)).GetAwaiter().GetResult());
                        Equal(model.All.Skip((int)afterPosition), StoreRead.AllAsync(store.ReadAllAsync(afterPosition)).GetAwaiter().GetResult());
                        break;
                }
            }

            List<StoredEvent> everything = StoreRead.AllAsync(store.ReadAllAsync()).GetAwaiter().GetResult();
            Equal(model.All, everything);
            Assert.Equal(Enumerable.Range(1, everything.Count).Select(p => (long)p), everything.Select(e => e.Position));
            foreach (string stream in s_streams)
            {
                Assert.Equal(Enumerable.Range(0, (int)model.Version(stream) + 1).Select(v => (long)v), everything.Where(e => e.StreamId == stream).Select(e => e.StreamVersion));
                Assert.Equal(model.Version(stream), store.GetStreamVersionAsync(stream).AsTask().GetAwaiter().GetResult());
            }

            Assert.Equal(model.All.Count, store.GetLastPositionAsync().AsTask().GetAwaiter().GetResult());
            return true;
        }
        finally
        {
            factory.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static EventToAppend[] NewEvents(string stream, int count, Model model, bool repeatStored)
    {
        var events = new EventToAppend[count];
        for (int i = 0; i < count; i++)
        {
            events[i] = new EventToAppend(new ItemAdded(stream, "sku-" + i, i));
        }

        if (repeatStored && model.All.Count > 0)
        {
            // An id already stored (maybe in another stream): it must be skipped and reported.
            (Guid id, _, _) = model.All[count % model.All.Count];
            events[0] = new EventToAppend(new ItemAdded(stream, "repeat", 0) { Id = id });
        }

        return events;
    }

    private static void Check(IEventStore store, Model model, string stream, EventToAppend[] events, ExpectedVersion expected)
    {
        AppendResult? predicted = model.Append(stream, events, expected, out long conflictVersion);
        try
        {
            AppendResult actual = store.AppendAsync(stream, events, expected).AsTask().GetAwaiter().GetResult();
            Assert.NotNull(predicted);
            Assert.Equal(predicted.StreamVersion, actual.StreamVersion);
            Assert.Equal(predicted.LastPosition, actual.LastPosition);
            Assert.Equal(predicted.Appended, actual.Appended);
            Assert.Equal(predicted.Duplicates, actual.Duplicates);
        }
        catch (ConcurrencyException conflict)
        {
            Assert.Null(predicted);
            Assert.Equal(conflictVersion, conflict.ActualVersion);
            Assert.Equal(stream, conflict.StreamId);
        }
    }

    private static void Equal(IEnumerable<(Guid Id, string Stream, long Version)> expected, List<StoredEvent> actual)
        => Assert.Equal(expected, actual.Select(e => (e.EventId, e.StreamId, e.StreamVersion)));

    /// <summary>The specification, as plainly as it can be written: a list of (id, stream, version), position = index + 1.</summary>
    private sealed class Model
    {
        public List<(Guid Id, string Stream, long Version)> All { get; } = [];

        public long Version(string stream) => All.Where(e => e.Stream == stream).Select(e => e.Version).DefaultIfEmpty(-1).Max();

        public AppendResult? Append(string stream, EventToAppend[] events, ExpectedVersion expected, out long conflictVersion)
        {
            var stored = All.Select(e => e.Id).ToHashSet();
            var seen = new HashSet<Guid>();
            var duplicates = new List<Guid>();
            var fresh = new List<Guid>();
            foreach (EventToAppend item in events)
            {
                (stored.Contains(item.Event.Id) || !seen.Add(item.Event.Id) ? duplicates : fresh).Add(item.Event.Id);
            }

            long version = Version(stream);
            conflictVersion = version;
            long streamLastPosition = All.FindLastIndex(e => e.Stream == stream) + 1;
            if (fresh.Count == 0)
            {
                return new AppendResult(version, streamLastPosition, 0, duplicates);
            }

            if (!expected.IsSatisfiedBy(version))
            {
                return null;
            }

            foreach (Guid id in fresh)
            {
                All.Add((id, stream, ++version));
            }

            return new AppendResult(version, All.Count, fresh.Count, duplicates);
        }
    }
}
