using EventDriven.Analyzers.Handlers;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;

namespace EventDriven.Analyzers.Tests.Idempotency;

/// <summary>ED0005: processed event ids remembered in a handler's memory.</summary>
public sealed class InMemoryDeduplicationTests
{
    private static Task AssertAsync(string body, string members = "", string attribute = "[EventHandler]")
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Sources.Events + $$"""
            public interface IInbox
            {
                ValueTask<bool> TryAddAsync(Guid eventId, CancellationToken cancellationToken);
                bool Contains(Guid eventId);
            }

            {{attribute}}
            public sealed class Revenue(HashSet<Guid> seenByDi, IInbox inbox) : IEventHandler<OrderPlaced>
            {
                private static readonly HashSet<Guid> s_processed = new();
                private readonly HashSet<Guid> _processed = new();
                private readonly HashSet<string> _processedText = new();
                private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> _handled = new();
                private readonly Dictionary<Guid, decimal> _byOrder = new();
                private decimal _total;
                {{members}}

                public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {{body}}
                    await Task.CompletedTask;
                }
            }
            """);

    [Theory]
    [InlineData("if (!{|ED0005:_processed.Add(@event.Id)|}) { return; }")]
    [InlineData("if ({|ED0005:s_processed.Contains(@event.Id)|}) { return; } s_processed.Add(@event.Id);")]
    [InlineData("if (!{|ED0005:_handled.TryAdd(@event.Id, true)|}) { return; }")]
    [InlineData("{|ED0005:_handled[@event.Id]|} = true;")]
    [InlineData("if (!{|ED0005:_processedText.Add(@event.Id.ToString())|}) { return; }")]
    [InlineData("if (!{|ED0005:seenByDi.Add(@event.Id)|}) { return; }")]
    public Task ProcessedIdsInAHandlerField_AreReportedOncePerStore(string body) => AssertAsync(body);

    [Fact]
    public Task InMemoryDeduplication_ReplacesTheNonIdempotentWarning()
        => AssertAsync("if (!{|ED0005:_processed.Add(@event.Id)|}) { return; } _total += @event.Total;");

    [Fact]
    public Task InMemoryDeduplication_IsReportedEvenWhenTheHandlerIsDeclaredIdempotent()
        => AssertAsync("if (!{|ED0005:_processed.Add(@event.Id)|}) { return; }", attribute: "[EventHandler(Idempotent = true)]");

    [Fact]
    public Task InMemoryDeduplication_InARuntimeSubscriber_IsReported()
        => AssertAsync("if (!{|ED0005:_processed.Add(@event.Id)|}) { return; }", attribute: string.Empty);

    [Fact]
    public Task InMemoryDeduplication_InAHandlerThatUsesTheInbox_IsNotReported()
        => AssertAsync("if (!_processed.Add(@event.Id)) { return; } _total += @event.Total;", attribute: "[EventHandler(Inbox = true)]");

    [Fact]
    public Task Fix_UseInbox_SetsInboxOnTheAttribute()
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<UseInboxCodeFixProvider>(
            Sources.Events + """
            [EventHandler(Order = 3)]
            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private readonly HashSet<Guid> _processed = new();
                private decimal _total;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    if (!{|ED0005:_processed.Add(@event.Id)|})
                    {
                        return default;
                    }

                    _total += @event.Total;
                    return default;
                }
            }
            """,
            Sources.Events + """
            [EventHandler(Order = 3, Inbox = true)]
            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private readonly HashSet<Guid> _processed = new();
                private decimal _total;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    if (!_processed.Add(@event.Id))
                    {
                        return default;
                    }

                    _total += @event.Total;
                    return default;
                }
            }
            """,
            UseInboxCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task Fix_UseInbox_IsNotOfferedToARuntimeSubscriber()
    {
        // Without [EventHandler] the handler is not in the generated table, so the inbox could not apply to it.
        const string source = Sources.Events + """
            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private readonly HashSet<Guid> _processed = new();

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                    => {|ED0005:_processed.Add(@event.Id)|} ? default : default;
            }
            """;
        return Verify<HandlerBodyAnalyzer>.CodeFixAsync<UseInboxCodeFixProvider>(source, source, UseInboxCodeFixProvider.EquivalenceKey);
    }

    [Theory]
    [InlineData("if (!await inbox.TryAddAsync(@event.Id, cancellationToken)) { return; }")]
    [InlineData("if (inbox.Contains(@event.Id)) { return; }")]
    [InlineData("_byOrder[@event.OrderId] = @event.Total;")]
    [InlineData("_processed.Add(@event.OrderId);")]
    [InlineData("var seen = new HashSet<Guid>(); seen.Add(@event.Id);")]
    public Task DurableInboxes_OtherKeys_AndLocals_AreNotReported(string body) => AssertAsync(body);
}
