using System.Reflection;
using BenchmarkDotNet.Attributes;
using EventDriven.Aggregates;
using EventDriven.Store;

namespace EventDriven.Benchmarks.Aggregates;

/// <summary>
/// Rehydrating an aggregate: the apply step alone over 100,000 deserialized events of five types (one a boxed struct), through
/// the generated type switch, a <c>Dictionary&lt;Type, Action&lt;object&gt;&gt;</c> dispatcher (how Eventuous dispatches its
/// <c>On&lt;TEvent&gt;</c> handlers; the baseline) and <c>MethodInfo.Invoke</c>; then a whole load through
/// <see cref="AggregateRepository.LoadAsync{TAggregate}"/> from the in-memory store (deserialization included). <see cref="Order"/>:
/// the event types in random order (what a real stream looks like to the branch predictor) or in runs of 64 of one type (the
/// control that shows how much of each dispatcher's cost is mispredicted branches).
/// </summary>
[MemoryDiagnoser]
public class RehydrateBenchmarks
{
    private const int Events = 100_000;
    private IEvent[] _events = [];
    private Ledger _ledger = null!;
    private Dictionary<Type, Action<Ledger, object>> _dictionary = [];
    private Dictionary<Type, MethodInfo> _reflection = [];
    private AggregateRepository _repository = null!;

    /// <summary>"random", or "runs of 64".</summary>
    [Params("random", "runs of 64")]
    public string Order { get; set; } = "random";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _events = new IEvent[Events];
        _events[0] = new LedgerOpened("ada");
        for (int i = 1; i < Events; i++)
        {
            _events[i] = random.Next(4) switch
            {
                0 => new LedgerCredited(random.Next(100)),
                1 => new LedgerDebited(random.Next(100)),
                2 => new LedgerNoted(Guid.NewGuid(), random.Next(10)),
                _ => i % 1000 == 0 ? new LedgerFrozen("audit") : new LedgerCredited(1),
            };
        }

        if (Order != "random")
        {
            // Same events, grouped by type in runs of 64 (the opening first).
            IEvent[] rest = [.. _events.Skip(1).GroupBy(e => e.GetType()).SelectMany(g => g.Chunk(64)).OrderBy(_ => random.Next()).SelectMany(c => c)];
            _events = [_events[0], .. rest];
        }

        _ledger = AggregateRoot.Create<Ledger>("ledger-1");
        _dictionary = new Dictionary<Type, Action<Ledger, object>>
        {
            [typeof(LedgerOpened)] = static (l, e) => l.On((LedgerOpened)e),
            [typeof(LedgerCredited)] = static (l, e) => l.On((LedgerCredited)e),
            [typeof(LedgerDebited)] = static (l, e) => l.On((LedgerDebited)e),
            [typeof(LedgerNoted)] = static (l, e) => l.On((LedgerNoted)e),
            [typeof(LedgerFrozen)] = static (l, e) => l.On((LedgerFrozen)e),
        };
        _reflection = typeof(Ledger).GetMethods().Where(m => m.Name == nameof(Ledger.On)).ToDictionary(m => m.GetParameters()[0].ParameterType);

        var store = new InMemoryEventStore();
        for (int i = 0; i < Events; i += 1000)
        {
            store.AppendAsync("ledger-1", _events.AsSpan(i, 1000).ToArray().Select(e => new EventToAppend(e)).ToArray(), ExpectedVersion.Any).AsTask().GetAwaiter().GetResult();
        }

        _repository = new AggregateRepository(store);
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "generated type switch (Apply step)")]
    public long GeneratedSwitch()
    {
        Ledger ledger = _ledger;
        foreach (IEvent @event in _events)
        {
            ledger.ApplyGenerated(@event);
        }

        return ledger.Balance;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "Dictionary<Type, Action<object>> (Apply step)")]
    public long DictionaryDispatch()
    {
        Ledger ledger = _ledger;
        Dictionary<Type, Action<Ledger, object>> handlers = _dictionary;
        foreach (IEvent @event in _events)
        {
            if (handlers.TryGetValue(@event.GetType(), out Action<Ledger, object>? apply))
            {
                apply(ledger, @event);
            }
        }

        return ledger.Balance;
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "MethodInfo.Invoke (Apply step)")]
    public long Reflection()
    {
        Ledger ledger = _ledger;
        object?[] argument = new object?[1];
        foreach (IEvent @event in _events)
        {
            if (_reflection.TryGetValue(@event.GetType(), out MethodInfo? method))
            {
                argument[0] = @event;
                method.Invoke(ledger, argument);
            }
        }

        return ledger.Balance;
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "AggregateRepository.LoadAsync from InMemoryEventStore (deserialize + apply)")]
    public async Task<long> LoadThroughRepository()
    {
        Ledger ledger = await _repository.LoadAsync<Ledger>("ledger-1");
        return ledger.Balance;
    }
}
