using EventDriven.Analyzers.Handlers;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;

namespace EventDriven.Analyzers.Tests.Idempotency;

/// <summary>ED0006: a handler creates an event whose Id or OccurredAt is new each time it runs.</summary>
public sealed class NonDeterministicDerivedEventTests
{
    private const string Declarations = Sources.Events + """
        public sealed record PaymentRequested(Guid OrderId, Guid CorrelationId) : IEvent
        {
            public Guid Id { get; init; } = Guid.NewGuid();
            public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
            public string EventType => "PaymentRequested";
            public string Source => "Tests";
        }

        // The reference applications' base: identity and time assigned in the constructor, inherited by every event.
        public abstract record IntegrationEvent : IEvent
        {
            protected IntegrationEvent()
            {
                Id = Guid.NewGuid();
                this.OccurredAt = DateTimeOffset.UtcNow;
            }

            public Guid Id { get; init; }
            public DateTimeOffset OccurredAt { get; init; }
            public abstract string EventType { get; }
            public string Source => "Tests";
        }

        public sealed record StockConfirmed(Guid OrderId) : IntegrationEvent
        {
            public override string EventType => "StockConfirmed";
        }

        public sealed class LegacyEvent : IEvent
        {
            public LegacyEvent(Guid id, DateTime occurredAt) { Id = id; OccurredAt = occurredAt; }
            public Guid Id { get; }
            public DateTimeOffset OccurredAt { get; }
            public string EventType => "LegacyEvent";
            public string Source => "Tests";
        }

        """;

    private static string Handler(string body, string attribute = "[EventHandler(Idempotent = true)]") => Declarations + $$"""
        {{attribute}}
        public sealed class Shipping(IEventBus bus) : IEventHandler<OrderPlaced>
        {
            public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
            {
                {{body}}
            }
        }
        """;

    [Theory]
    [InlineData("await bus.PublishAsync(new OrderShipped({|ED0006:Guid.NewGuid()|}, @event.OccurredAt, @event.OrderId), cancellationToken);")]
    [InlineData("await bus.PublishAsync(new OrderShipped(DeterministicId.From(@event.Id, \"s\"), {|ED0006:DateTimeOffset.UtcNow|}, @event.OrderId), cancellationToken);")]
    [InlineData("await bus.PublishAsync(new OrderShipped(OrderId: @event.OrderId, OccurredAt: {|ED0006:DateTimeOffset.Now|}, Id: @event.Id), cancellationToken);")]
    [InlineData("await bus.PublishAsync(new OrderPlaced(@event.OrderId, 1m) { Id = {|ED0006:Guid.CreateVersion7()|}, OccurredAt = @event.OccurredAt }, cancellationToken);")]
    [InlineData("var id = {|ED0006:Guid.NewGuid()|}; var shipped = new OrderShipped(id, @event.OccurredAt, @event.OrderId); await bus.PublishAsync(shipped, cancellationToken);")]
    [InlineData("await bus.PublishAsync(@event with { Id = {|ED0006:Guid.NewGuid()|} }, cancellationToken);")]
    [InlineData("await bus.PublishAsync(new LegacyEvent({|ED0006:Guid.NewGuid()|}, {|ED0006:DateTime.UtcNow|}), cancellationToken);")]
    [InlineData("await bus.PublishAsync(new OrderShipped(@event.Id, {|ED0006:TimeProvider.System.GetUtcNow()|}, @event.OrderId), cancellationToken);")]
    public Task FreshIdsAndClockTimes_InADerivedEvent_AreReported(string body) => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(body));

    [Fact]
    public Task PropertyInitializers_ThatTheCreationDoesNotOverride_AreReportedAtTheCreation()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(
            "await bus.PublishAsync({|ED0006:{|ED0006:new PaymentRequested|}|}(@event.OrderId, @event.Id), cancellationToken);"));

    [Fact]
    public Task ConstructorAssignments_InTheEventsBaseClass_AreReportedAtTheCreation()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(
            "await bus.PublishAsync({|ED0006:{|ED0006:new StockConfirmed|}|}(@event.OrderId), cancellationToken);"));

    [Fact]
    public Task DerivedEvent_InARuntimeSubscriber_IsReported()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(
            "await bus.PublishAsync(new OrderShipped({|ED0006:Guid.NewGuid()|}, @event.OccurredAt, @event.OrderId), cancellationToken);",
            attribute: string.Empty));

    [Theory]
    [InlineData("await bus.PublishAsync(new OrderShipped(DeterministicId.From(@event.Id, \"OrderShipped\"), @event.OccurredAt, @event.OrderId), cancellationToken);")]
    [InlineData("await bus.PublishAsync(new PaymentRequested(@event.OrderId, Guid.NewGuid()) { Id = DeterministicId.From(@event.Id, \"p\"), OccurredAt = @event.OccurredAt }, cancellationToken);")]
    [InlineData("await bus.PublishAsync(@event with { Total = 0m }, cancellationToken);")]
    [InlineData("var correlation = Guid.NewGuid(); var started = DateTime.UtcNow; await Task.Yield();")]
    public Task DeterministicValues_OtherGuids_AndCopiesOfTheCause_AreNotReported(string body) => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(body));

    [Fact]
    public Task EventsCreatedOutsideHandlers_AreNotReported()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Declarations + """
            public sealed class Checkout(IEventBus bus)
            {
                public ValueTask PlaceAsync(Guid orderId)
                    => bus.PublishAsync(new OrderShipped(Guid.NewGuid(), DateTimeOffset.UtcNow, orderId));
            }
            """);

    [Fact]
    public Task Fix_DerivesTheIdFromTheCause()
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<DeriveFromCauseCodeFixProvider>(
            Handler("await bus.PublishAsync(new OrderShipped({|ED0006:Guid.NewGuid()|}, @event.OccurredAt, @event.OrderId), cancellationToken);"),
            Handler("await bus.PublishAsync(new OrderShipped(DeterministicId.From(@event.Id, \"OrderShipped\"), @event.OccurredAt, @event.OrderId), cancellationToken);"),
            DeriveFromCauseCodeFixProvider.IdEquivalenceKey);

    [Theory]
    [InlineData("new OrderShipped(@event.Id, {|ED0006:DateTimeOffset.UtcNow|}, @event.OrderId)", "new OrderShipped(@event.Id, @event.OccurredAt, @event.OrderId)")]
    [InlineData("new LegacyEvent(@event.Id, {|ED0006:DateTime.UtcNow|})", "new LegacyEvent(@event.Id, @event.OccurredAt.UtcDateTime)")]
    [InlineData("new LegacyEvent(@event.Id, {|ED0006:DateTime.Now|})", "new LegacyEvent(@event.Id, @event.OccurredAt.LocalDateTime)")]
    public Task Fix_TakesTheTimeFromTheCause(string before, string after)
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<DeriveFromCauseCodeFixProvider>(
            Handler("await bus.PublishAsync(" + before + ", cancellationToken);"),
            Handler("await bus.PublishAsync(" + after + ", cancellationToken);"),
            DeriveFromCauseCodeFixProvider.TimeEquivalenceKey);

    [Theory]
    [InlineData("new PaymentRequested(@event.OrderId, @event.Id) { OccurredAt = @event.OccurredAt }", "new PaymentRequested(@event.OrderId, @event.Id) { OccurredAt = @event.OccurredAt, Id = DeterministicId.From(@event.Id, \"PaymentRequested\") }")]
    [InlineData("new PaymentRequested(@event.OrderId, @event.Id) { OccurredAt = @event.OccurredAt, }", "new PaymentRequested(@event.OrderId, @event.Id) { OccurredAt = @event.OccurredAt, Id = DeterministicId.From(@event.Id, \"PaymentRequested\"), }")]
    public Task Fix_SetsTheIdInTheInitializer_WhenItCameFromThePropertyInitializer(string before, string after)
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<DeriveFromCauseCodeFixProvider>(
            Handler("await bus.PublishAsync(" + before.Replace("new PaymentRequested", "{|ED0006:new PaymentRequested|}", StringComparison.Ordinal) + ", cancellationToken);"),
            Handler("await bus.PublishAsync(" + after + ", cancellationToken);"),
            DeriveFromCauseCodeFixProvider.IdEquivalenceKey);
}
