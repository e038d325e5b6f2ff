using EventDriven.Analyzers.Handlers;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;

namespace EventDriven.Analyzers.Tests.Idempotency;

/// <summary>ED0004: accumulating effects on state that outlives the call, in an [EventHandler] not declared idempotent.</summary>
public sealed class NonIdempotentHandlerTests
{
    private static Task AssertAsync(string body, string members = "", string attribute = "[EventHandler]")
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Sources.Events + $$"""
            {{attribute}}
            public sealed class Revenue(Totals totals, System.Data.IDbConnection connection, System.Net.Http.HttpClient http) : IEventHandler<OrderPlaced>
            {
                private static long s_count;
                private decimal _total;
                private long _count;
                private readonly List<Guid> _orders = new();
                private readonly System.Text.StringBuilder _log = new();
                private readonly Dictionary<Guid, decimal> _byOrder = new();
                private readonly HashSet<Guid> _orderIds = new();
                private System.Collections.Immutable.ImmutableList<Guid> _history = System.Collections.Immutable.ImmutableList<Guid>.Empty;
                private readonly Stream _stream = Stream.Null;
                private decimal? _first;
                private int _flags;
                private DateTime _time;
                {{members}}

                public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {{body}}
                    await Task.CompletedTask;
                }
            }

            public static class DapperLike
            {
                public static int Execute(this System.Data.IDbConnection connection, string sql, object? parameters = null) => 0;
            }
            """);

    [Theory]
    [InlineData("{|ED0004:_total += @event.Total|};")]
    [InlineData("{|ED0004:_total -= @event.Total|};")]
    [InlineData("{|ED0004:_count ^= 7|};")]
    [InlineData("{|ED0004:_count++|};")]
    [InlineData("{|ED0004:--_count|};")]
    [InlineData("{|ED0004:s_count++|};")]
    [InlineData("{|ED0004:totals.Count++|};")]
    [InlineData("{|ED0004:totals.Sum += @event.Total|};")]
    [InlineData("{|ED0004:_count = _count + 1|};")]
    [InlineData("{|ED0004:_total = @event.Total + _total|};")]
    [InlineData("{|ED0004:_history = _history.Add(@event.OrderId)|};")]
    public Task CompoundAssignmentsAndIncrements_OnDurableState_AreReported(string body) => AssertAsync(body);

    [Theory]
    [InlineData("{|ED0004:_orders.Add(@event.OrderId)|};")]
    [InlineData("{|ED0004:_orders.Insert(0, @event.OrderId)|};")]
    [InlineData("{|ED0004:totals.Orders.Add(@event.OrderId)|};")]
    [InlineData("{|ED0004:_log.Append(@event.OrderId)|};")]
    [InlineData("{|ED0004:_log.AppendLine(\"placed\")|};")]
    [InlineData("{|ED0004:Interlocked.Increment(ref totals.Count)|};")]
    [InlineData("{|ED0004:Interlocked.Add(ref _count, 2)|};")]
    public Task AccumulatingCalls_OnDurableCollectionsAndCounters_AreReported(string body) => AssertAsync(body);

    [Theory]
    [InlineData("{|ED0004:File.AppendAllText(\"orders.log\", \"placed\")|};")]
    [InlineData("await {|ED0004:File.AppendAllLinesAsync(\"orders.log\", new[] { \"placed\" }, cancellationToken)|};")]
    [InlineData("using var writer = {|ED0004:new StreamWriter(\"orders.log\", append: true)|};")]
    [InlineData("using var file = {|ED0004:new FileStream(\"orders.log\", FileMode.Append)|};")]
    [InlineData("{|ED0004:_stream.Write(new byte[] { 1 }, 0, 1)|};")]
    [InlineData("await {|ED0004:http.PostAsync(\"https://example.invalid/orders\", null, cancellationToken)|};")]
    [InlineData("{|ED0004:connection.Execute(\"INSERT INTO Orders (Id) VALUES (@Id)\", new { Id = @event.OrderId })|};")]
    [InlineData("{|ED0004:connection.Execute(\"UPDATE Stock SET Reserved = Reserved + 1 WHERE Sku = @Sku\")|};")]
    public Task IoThatAppendsOrInserts_IsReported(string body) => AssertAsync(body);

    [Fact]
    public Task DbCommand_WithInsertText_IsReported()
        => AssertAsync("""
            using var command = connection.CreateCommand();
            command.CommandText = "insert into Orders (Id, Total) values (@id, @total)";
            {|ED0004:command.ExecuteNonQuery()|};
            """);

    [Theory]
    [InlineData("decimal total = 0; total += @event.Total; var lines = new List<string>(); lines.Add(\"x\");")]
    [InlineData("_total = @event.Total;")]
    [InlineData("_byOrder[@event.OrderId] = @event.Total;")]
    [InlineData("_byOrder.Remove(@event.OrderId);")]
    [InlineData("_orders.Remove(@event.OrderId);")]
    [InlineData("_orderIds.Add(@event.OrderId);")]
    [InlineData("_flags |= 4; _flags &= ~1; _first ??= @event.Total;")]
    [InlineData("_time.Add(TimeSpan.FromSeconds(1));")]
    [InlineData("_history.Add(@event.OrderId);")]
    [InlineData("File.WriteAllText(\"order.json\", \"{}\"); using var writer = new StreamWriter(\"order.json\");")]
    [InlineData("await http.PutAsync(\"https://example.invalid/orders/1\", null, cancellationToken);")]
    [InlineData("connection.Execute(\"INSERT INTO Orders (Id) VALUES (@Id) ON CONFLICT (Id) DO NOTHING\");")]
    [InlineData("connection.Execute(\"UPDATE Orders SET Total = @Total WHERE Id = @Id\");")]
    [InlineData("_ = _orders.Append(@event.OrderId).ToList();")]
    [InlineData("var stream = new MemoryStream(); stream.Write(new byte[] { 1 }, 0, 1);")]
    public Task Overwrites_Removals_KeyedAdds_AndLocals_AreNotReported(string body) => AssertAsync(body);

    /// <summary>EF Core's shapes, stand-ins with the same call shapes: a context holding sets, entities loaded and saved through it.</summary>
    private const string EfShapes = """
        public sealed class CatalogItem
        {
            public int AvailableStock { get; set; }
            public string Name { get; set; } = "";
        }

        public sealed class ItemSet
        {
            public ValueTask<CatalogItem?> FindAsync(params object[] keys) => default;
            public IEnumerable<CatalogItem> Where(Func<CatalogItem, bool> predicate) => [];
        }

        public interface IClientFactory // IHttpClientFactory's shape (Microsoft.Extensions.Http is not referenced here)
        {
            System.Net.Http.HttpClient CreateClient();
        }

        public sealed class CatalogContext
        {
            public ItemSet Items { get; } = new();
            public Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
        }

        """;

    private static Task AssertEfAsync(string body)
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Sources.Events + EfShapes + $$"""
            [EventHandler]
            public sealed class ReduceStock(CatalogContext db, IClientFactory clients) : IEventHandler<OrderPlaced>
            {
                public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {{body}}
                }
            }
            """);

    [Theory]
    [InlineData("CatalogItem item = (await db.Items.FindAsync(@event.OrderId))!; {|ED0004:item.AvailableStock -= 1|}; await db.SaveChangesAsync(cancellationToken);")]
    [InlineData("var item = db.Items.Where(i => i.Name == \"x\").First(); {|ED0004:item.AvailableStock++|}; await db.SaveChangesAsync(cancellationToken);")]
    [InlineData("var item = (await db.Items.FindAsync(@event.OrderId))!; {|ED0004:item.AvailableStock = item.AvailableStock - 2|}; await db.SaveChangesAsync();")]
    public Task LoadedEntity_ChangedRelativeToItselfAndSaved_IsReported(string body) => AssertEfAsync(body);

    [Theory]
    [InlineData("var item = (await db.Items.FindAsync(@event.OrderId))!; item.AvailableStock = 5; await db.SaveChangesAsync();")] // an overwrite: the same on redelivery
    [InlineData("var item = new CatalogItem(); item.AvailableStock -= 1;")] // a local object: nothing durable is changed
    [InlineData("var item = (await db.Items.FindAsync(@event.OrderId))!; item.AvailableStock -= 1;")] // never saved here
    public Task LoadedEntity_OverwrittenLocalOrUnsaved_IsNotReported(string body) => AssertEfAsync(body);

    [Theory]
    [InlineData("using var client = clients.CreateClient(); await {|ED0004:client.SendAsync(new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, \"https://example.invalid/hooks\"), cancellationToken)|};")]
    [InlineData("using var client = clients.CreateClient(); var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, \"https://example.invalid/hooks\"); await {|ED0004:client.SendAsync(request, cancellationToken)|};")]
    public Task HttpPost_ThroughSendAsync_OnAClientFromTheFactory_IsReported(string body) => AssertEfAsync(body);

    /// <summary>The reference applications' layering: the handler calls a service, which calls a repository over the context.</summary>
    private const string Layers = """
        public sealed class StockRepository(CatalogContext db)
        {
            public async Task ReduceAsync(Guid itemId, int quantity)
            {
                var item = (await db.Items.FindAsync(itemId))!;
                item.AvailableStock -= quantity;
                await db.SaveChangesAsync();
            }

            public async Task<int> ReadAsync(Guid itemId) => (await db.Items.FindAsync(itemId))!.AvailableStock;
        }

        public sealed class StockService(StockRepository repository)
        {
            public Task ConfirmAsync(Guid orderId) => repository.ReduceAsync(orderId, 1);

            public Task<int> PeekAsync(Guid orderId) => repository.ReadAsync(orderId);
        }

        public sealed class WebhookSender(System.Net.Http.HttpClient http)
        {
            public Task NotifyAsync(string url) => http.PostAsync(url, null);
        }

        // Behind an interface with one implementation, as repositories usually are.
        public interface IStockRepository
        {
            Task ReduceAsync(Guid itemId, int quantity);
        }

        public sealed class EfStockRepository(StockRepository inner) : IStockRepository
        {
            public Task ReduceAsync(Guid itemId, int quantity) => inner.ReduceAsync(itemId, quantity);
        }

        // Two implementations: which one runs is the container's choice, not the analyzer's.
        public interface IClock
        {
            void Tick();
        }

        public sealed class CountingClock : IClock
        {
            private int _ticks;
            public void Tick() => _ticks++;
        }

        public sealed class SilentClock : IClock
        {
            public void Tick() { }
        }

        // A mediator's shape (MediatR's names): the command's one request handler is what Send runs.
        public interface IRequest<TResponse>;

        public interface IRequestHandler<TRequest, TResponse> where TRequest : IRequest<TResponse>
        {
            Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken);
        }

        public interface IMediator
        {
            Task<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default);
        }

        public sealed record ConfirmStockCommand(Guid OrderId) : IRequest<bool>;

        public sealed class ConfirmStockCommandHandler(StockService stock) : IRequestHandler<ConfirmStockCommand, bool>
        {
            public async Task<bool> Handle(ConfirmStockCommand request, CancellationToken cancellationToken)
            {
                await stock.ConfirmAsync(request.OrderId);
                return true;
            }
        }

        """;

    private static Task AssertLayeredAsync(string body)
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Sources.Events + EfShapes + Layers + $$"""
            [EventHandler]
            public sealed class ConfirmStock(StockService stock, StockRepository repository, WebhookSender hooks, IStockRepository stocks, IClock clock, IMediator mediator) : IEventHandler<OrderPlaced>
            {
                public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {{body}}
                }
            }
            """);

    [Theory]
    [InlineData("await {|ED0004:repository.ReduceAsync(@event.OrderId, 1)|};")] // one level: the repository
    [InlineData("await {|ED0004:stock.ConfirmAsync(@event.OrderId)|};")] // two: service, then repository
    [InlineData("await {|ED0004:hooks.NotifyAsync(\"https://example.invalid/hooks\")|};")] // a webhook POST through a sender service
    [InlineData("await {|ED0004:stocks.ReduceAsync(@event.OrderId, 1)|};")] // through an interface with one source implementation
    [InlineData("await {|ED0004:mediator.Send(new ConfirmStockCommand(@event.OrderId), cancellationToken)|};")] // through a mediator to the command's handler
    public Task Effects_InTheCodeAHandlerDelegatesTo_AreReportedAtItsCall(string body) => AssertLayeredAsync(body);

    [Fact]
    public Task AnInterfaceWithSeveralImplementations_IsNotGuessedAt() => AssertLayeredAsync("clock.Tick(); await Task.Yield();");

    [Theory]
    [InlineData("int stock1 = await stock.PeekAsync(@event.OrderId);")] // reads only
    [InlineData("var local = new StockService(new StockRepository(new CatalogContext())); await local.PeekAsync(@event.OrderId);")]
    public Task DelegatedReads_AreNotReported(string body) => AssertLayeredAsync(body);

    [Fact]
    public Task DelegatedEffects_AreNamedWithTheirPath()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(
            Sources.Events + EfShapes + Layers + """
            [EventHandler]
            public sealed class ConfirmStock(StockService stock) : IEventHandler<OrderPlaced>
            {
                public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    await {|#0:stock.ConfirmAsync(@event.OrderId)|};
                }
            }
            """,
            Verify<HandlerBodyAnalyzer>.Diagnostic("ED0004").WithLocation(0).WithArguments(
                "ConfirmStock",
                "'stock.ConfirmAsync(@event.OrderId)' calls StockService.ConfirmAsync, where 'repository.ReduceAsync(orderId, 1)', which calls StockRepository.ReduceAsync, where 'item.AvailableStock -= quantity' changes 'item', loaded from 'db.Items', relative to itself, and 'db.SaveChangesAsync()' saves it"));

    [Fact]
    public Task HttpPut_ThroughSendAsync_IsNotReported()
        => AssertEfAsync("using var client = clients.CreateClient(); await client.SendAsync(new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Put, \"https://example.invalid/hooks\"), cancellationToken);");

    [Fact]
    public Task MetricsCounters_AreNotReported()
        => AssertAsync("s_handled.Add(1);", "private static readonly System.Diagnostics.Metrics.Counter<long> s_handled = new System.Diagnostics.Metrics.Meter(\"m\").CreateCounter<long>(\"handled\");");

    [Fact]
    public Task HandlerDeclaredIdempotent_IsNotReported()
        => AssertAsync("_total += @event.Total; _orders.Add(@event.OrderId);", attribute: "[EventHandler(Idempotent = true)]");

    [Theory]
    [InlineData("[EventHandler(Inbox = true)]")]
    [InlineData("[EventHandler(Order = 1, Inbox = true, Idempotent = false)]")]
    public Task HandlerDeduplicatedThroughTheInbox_IsNotReported(string attribute)
        => AssertAsync("_total += @event.Total; _orders.Add(@event.OrderId); connection.Execute(\"INSERT INTO totals VALUES (1)\");", attribute: attribute);

    [Fact]
    public Task HandlerWithInboxExplicitlyOff_IsReported()
        => AssertAsync("{|ED0004:_total += @event.Total|};", attribute: "[EventHandler(Inbox = false)]");

    [Fact]
    public Task RuntimeSubscriberWithoutEventHandlerAttribute_IsNotReported()
        => AssertAsync("_total += @event.Total;", attribute: string.Empty);

    [Fact]
    public Task AccumulationInAHelperAndALambda_ReachedFromHandleAsync_IsReported()
        => AssertAsync(
            "Apply(@event); new[] { 1m, 2m }.ToList().ForEach(x => {|ED0004:_total += x|}); Local(); void Local() { {|ED0004:_count++|}; }",
            "private void Apply(OrderPlaced e) { {|ED0004:_orders.Add(e.OrderId)|}; } public void Reset() { _count++; _orders.Add(Guid.Empty); }");

    [Fact]
    public Task Fix_AddsIdempotentToABareAttribute_ForEveryFindingAtOnce()
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<DeclareIdempotentCodeFixProvider>(
            Sources.Events + """
            [EventHandler]
            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private decimal _total;
                private long _count;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {|ED0004:_total += @event.Total|};
                    {|ED0004:_count++|};
                    return default;
                }
            }
            """,
            Sources.Events + """
            [EventHandler(Idempotent = true)]
            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private decimal _total;
                private long _count;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    _total += @event.Total;
                    _count++;
                    return default;
                }
            }
            """,
            DeclareIdempotentCodeFixProvider.EquivalenceKey);

    [Theory]
    [InlineData("[EventHandler]", "[EventHandler(Inbox = true)]")]
    [InlineData("[EventHandler(Order = 2)]", "[EventHandler(Order = 2, Inbox = true)]")]
    [InlineData("[EventHandler(Inbox = false)]", "[EventHandler(Inbox = true)]")]
    public Task Fix_UseInbox_SetsInboxAndSilencesEveryFinding(string before, string after)
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<UseInboxCodeFixProvider>(
            Sources.Events + before + """

            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private decimal _total;
                private long _count;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {|ED0004:_total += @event.Total|};
                    {|ED0004:_count++|};
                    return default;
                }
            }
            """,
            Sources.Events + after + """

            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private decimal _total;
                private long _count;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    _total += @event.Total;
                    _count++;
                    return default;
                }
            }
            """,
            UseInboxCodeFixProvider.EquivalenceKey);

    [Theory]
    [InlineData("[EventHandler(Order = 2)]", "[EventHandler(Order = 2, Idempotent = true)]")]
    [InlineData("[EventHandler()]", "[EventHandler(Idempotent = true)]")]
    [InlineData("[EventHandler(Idempotent = false, Order = 1)]", "[EventHandler(Idempotent = true, Order = 1)]")]
    [InlineData("[EventDriven.EventHandlerAttribute(Order = 1)]", "[EventDriven.EventHandlerAttribute(Order = 1, Idempotent = true)]")]
    public Task Fix_SetsIdempotentBesideOtherArguments(string before, string after)
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<DeclareIdempotentCodeFixProvider>(
            Sources.Events + before + """

            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private decimal _total;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    {|ED0004:_total += @event.Total|};
                    return default;
                }
            }
            """,
            Sources.Events + after + """

            public sealed class Revenue : IEventHandler<OrderPlaced>
            {
                private decimal _total;

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                {
                    _total += @event.Total;
                    return default;
                }
            }
            """,
            DeclareIdempotentCodeFixProvider.EquivalenceKey);
}
