using EventDriven.Analyzers.Aggregates;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;

namespace EventDriven.Analyzers.Tests.Aggregates;

/// <summary>ED0010-ED0013: the rules of an [Aggregate] (the generator's ApplyEvent is written by hand here: generators do not run in these tests).</summary>
public sealed class AggregateAnalyzerTests
{
    private const string Events = """
        using EventDriven.Aggregates;
        using EventDriven.Store;

        public record Opened(string Owner) : IEvent
        {
            public Guid Id { get; init; }
            public DateTimeOffset OccurredAt { get; init; }
            public string EventType => "Opened";
            public string Source => "Tests";
        }

        public sealed record Deposited(decimal Amount) : IEvent
        {
            public Guid Id { get; init; }
            public DateTimeOffset OccurredAt { get; init; }
            public string EventType => "Deposited";
            public string Source => "Tests";
        }

        public sealed record Audited(string By) : IEvent
        {
            public Guid Id { get; init; }
            public DateTimeOffset OccurredAt { get; init; }
            public string EventType => "Audited";
            public string Source => "Tests";
        }

        public sealed record ReOpened(string Owner) : Opened(Owner);
        """;

    private const string Switch = "protected override bool ApplyEvent(IEvent e) => false;";

    [Fact]
    public Task Side_effects_in_Apply_are_reported_with_what_they_do()
        => Verify<AggregateAnalyzer>.AnalyzerAsync($$"""
            {{Events}}

            [Aggregate]
            public sealed partial class Account(IEventBus bus, IEventStore store, System.Net.Http.HttpClient http) : AggregateRoot
            {
                private decimal _balance;
                private DateTimeOffset _openedAt;
                private Guid _token;

                public void Open(string owner) => Raise(new Opened(owner));

                public void Deposit(decimal amount) => Raise(new Deposited(amount));

                public void Audit(string by) => Raise(new Audited(by));

                private void Apply(Opened e)
                {
                    _openedAt = {|ED0010:DateTimeOffset.UtcNow|};
                    _token = {|ED0010:Guid.NewGuid()|};
                    {|ED0010:Raise(new Deposited(0))|};
                }

                private void Apply(Deposited e)
                {
                    _balance += e.Amount;
                    Task.Run(async () => {|ED0010:await Task.Yield()|});
                }

                private void Apply(Audited e)
                {
                    _ = {|ED0010:bus.PublishAsync(e)|};
                    _ = {|ED0010:store.GetLastPositionAsync()|};
                    _ = {|ED0010:http.PostAsync("http://x", null)|};
                    {|ED0010:Console.WriteLine(e.By)|};
                }

                {{Switch}}
            }
            """);

    [Fact]
    public Task Pure_Apply_methods_are_not_reported_and_neither_are_commands_that_read_the_clock()
        => Verify<AggregateAnalyzer>.AnalyzerAsync($$"""
            {{Events}}

            [Aggregate]
            public sealed partial class Account : AggregateRoot
            {
                private decimal _balance;
                private readonly List<decimal> _history = new();

                public void Deposit(decimal amount) => Raise(new Deposited(amount) { Id = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow });

                private void Apply(Deposited e)
                {
                    decimal before = _balance;
                    _balance = Math.Round(before + e.Amount, 2);
                    _history.Add(e.Amount);
                    Func<decimal, decimal> twice = x => x * 2;
                    _balance = twice(_balance) / 2;
                }

                {{Switch}}
            }
            """);

    [Fact]
    public Task A_raised_event_without_Apply_is_reported_and_one_covered_by_a_base_type_Apply_is_not()
        => Verify<AggregateAnalyzer>.AnalyzerAsync($$"""
            {{Events}}

            [Aggregate]
            public sealed partial class Account : AggregateRoot
            {
                public void Open(string owner) => Raise(new ReOpened(owner));

                public void Audit(string by) => Raise({|ED0011:new Audited(by)|});

                private void Apply(Opened e)
                {
                }

                {{Switch}}
            }
            """);

    [Fact]
    public Task The_fix_adds_an_empty_Apply_for_the_raised_event()
        => Verify<AggregateAnalyzer>.CodeFixAsync<AddApplyMethodCodeFixProvider>(
            $$"""
            {{Events}}

            [Aggregate]
            public sealed partial class Account : AggregateRoot
            {
                public void Audit(string by) => Raise({|ED0011:new Audited(by)|});

                {{Switch}}
            }
            """,
            $$"""
            {{Events}}

            [Aggregate]
            public sealed partial class Account : AggregateRoot
            {
                public void Audit(string by) => Raise(new Audited(by));

                {{Switch}}

                private void Apply(Audited e)
                {
                }
            }
            """,
            AddApplyMethodCodeFixProvider.EquivalenceKey + ".Audited");

    [Fact]
    public Task An_Apply_for_an_event_never_raised_is_reported_unless_something_is_raised_as_IEvent()
        => Verify<AggregateAnalyzer>.AnalyzerAsync($$"""
            {{Events}}

            [Aggregate]
            public sealed partial class Account : AggregateRoot
            {
                public void Deposit(decimal amount) => Raise(new Deposited(amount));

                private void Apply(Deposited e)
                {
                }

                private void {|ED0012:Apply|}(Audited e)
                {
                }

                {{Switch}}
            }

            [Aggregate]
            public sealed partial class Imported : AggregateRoot
            {
                public void Import(IEvent e) => Raise(e);

                private void Apply(Audited e)
                {
                }

                {{Switch}}
            }
            """);

    [Fact]
    public Task State_changed_outside_Apply_is_reported_and_constructors_RestoreSnapshot_and_locals_are_not()
        => Verify<AggregateAnalyzer>.AnalyzerAsync($$"""
            {{Events}}

            [Aggregate]
            public sealed partial class Account : AggregateRoot
            {
                private decimal _balance;
                private int _deposits;
                private readonly List<decimal> _history = new();
                private readonly Dictionary<string, decimal> _byOwner = new();

                private Account()
                {
                    _balance = 0;
                }

                public string? Owner { get; private set; }

                public void Deposit(decimal amount)
                {
                    decimal local = amount;
                    local += 1;
                    {|ED0013:_balance += amount|};
                    {|ED0013:_deposits++|};
                    {|ED0013:_history.Add(amount)|};
                    {|ED0013:_byOwner["x"] = amount|};
                    {|ED0013:Owner = "me"|};
                    Raise(new Deposited(amount));
                }

                public void RestoreSnapshot(decimal balance) => _balance = balance;

                private void Apply(Deposited e)
                {
                    _balance += e.Amount;
                    _deposits++;
                    _history.Add(e.Amount);
                    _byOwner["x"] = e.Amount;
                    Owner = "me";
                }

                {{Switch}}
            }
            """);
}
