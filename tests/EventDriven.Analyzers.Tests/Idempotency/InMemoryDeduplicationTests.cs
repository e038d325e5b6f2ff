using EventDriven.Analyzers.Handlers;
using EventDriven.Analyzers.Tests.Infrastructure;

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

    [Theory]
    [InlineData("if (!await inbox.TryAddAsync(@event.Id, cancellationToken)) { return; }")]
    [InlineData("if (inbox.Contains(@event.Id)) { return; }")]
    [InlineData("_byOrder[@event.OrderId] = @event.Total;")]
    [InlineData("_processed.Add(@event.OrderId);")]
    [InlineData("var seen = new HashSet<Guid>(); seen.Add(@event.Id);")]
    public Task DurableInboxes_OtherKeys_AndLocals_AreNotReported(string body) => AssertAsync(body);
}
