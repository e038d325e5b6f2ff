using EventDriven.Analyzers.Handlers;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;

namespace EventDriven.Analyzers.Tests.Handlers;

/// <summary>ED0007: a handler that holds its consumer thread.</summary>
public sealed class BlockingCallTests
{
    private static string Handler(string body, string modifier = "async ", string attribute = "[EventHandler]", string members = "") => Sources.Events + $$"""
        public interface IPricing
        {
            Task<decimal> PriceAsync(Guid orderId);
            ValueTask<decimal> CachedPriceAsync(Guid orderId);
        }

        public sealed class Outcome { public int Result { get; set; } }

        {{attribute}}
        public sealed class Invoicing(IPricing pricing) : IEventHandler<OrderPlaced>
        {
            private readonly Task<decimal> _warmUp = Task.FromResult(0m);
            {{members}}

            public {{modifier}}ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
            {
                {{body}}
            }
        }
        """;

    [Theory]
    [InlineData("decimal price = {|ED0007:pricing.PriceAsync(@event.OrderId).Result|}; await Task.Yield();")]
    [InlineData("decimal price = {|ED0007:_warmUp.Result|}; await Task.Yield();")]
    [InlineData("{|ED0007:pricing.PriceAsync(@event.OrderId).Wait()|}; await Task.Yield();")]
    [InlineData("{|ED0007:Task.WaitAll(pricing.PriceAsync(@event.OrderId))|}; await Task.Yield();")]
    [InlineData("decimal price = {|ED0007:pricing.CachedPriceAsync(@event.OrderId).GetAwaiter().GetResult()|}; await Task.Yield();")]
    [InlineData("decimal price = {|ED0007:pricing.PriceAsync(@event.OrderId).ConfigureAwait(false).GetAwaiter().GetResult()|}; await Task.Yield();")]
    [InlineData("{|ED0007:Thread.Sleep(100)|}; await Task.Yield();")]
    public Task BlockingCalls_AreReported(string body) => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(body));

    [Fact]
    public Task BlockingCalls_InRuntimeSubscribersAndHelpers_AreReported()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler("Wait(); await Task.Yield();", attribute: string.Empty, members: "private void Wait() => {|ED0007:Thread.Sleep(5)|};"));

    [Theory]
    [InlineData("Task<decimal> price = pricing.PriceAsync(@event.OrderId); await price; decimal value = price.Result;")]
    [InlineData("Task<decimal> a = pricing.PriceAsync(@event.OrderId), b = pricing.PriceAsync(@event.OrderId); await Task.WhenAll(a, b); decimal sum = a.Result + b.GetAwaiter().GetResult();")]
    [InlineData("ValueTask<decimal> cached = pricing.CachedPriceAsync(@event.OrderId); decimal value = cached.IsCompletedSuccessfully ? cached.Result : await cached;")]
    [InlineData("decimal value = await pricing.PriceAsync(@event.OrderId).ContinueWith(t => t.Result * 2);")]
    [InlineData("await Task.Run(() => Thread.Sleep(10), cancellationToken);")]
    [InlineData("var outcome = new Outcome(); int result = outcome.Result; await Task.Delay(10, cancellationToken);")]
    public Task FinishedTasks_OtherThreads_AndNonTaskResults_AreNotReported(string body) => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(body));

    [Fact]
    public Task BlockingOutsideHandlers_IsNotReported()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Sources.Events + """
            public static class Startup
            {
                public static void Run(IEventBus bus) => bus.PublishAsync(new OrderShipped(Guid.Empty, default, Guid.Empty)).AsTask().Wait();
            }
            """);

    [Theory]
    [InlineData("decimal price = {|ED0007:pricing.PriceAsync(@event.OrderId).Result|};", "decimal price = await pricing.PriceAsync(@event.OrderId);")]
    [InlineData("string text = {|ED0007:pricing.PriceAsync(@event.OrderId).Result|}.ToString();", "string text = (await pricing.PriceAsync(@event.OrderId)).ToString();")]
    [InlineData("decimal price = {|ED0007:pricing.CachedPriceAsync(@event.OrderId).GetAwaiter().GetResult()|};", "decimal price = await pricing.CachedPriceAsync(@event.OrderId);")]
    [InlineData("{|ED0007:pricing.PriceAsync(@event.OrderId).Wait()|};", "await pricing.PriceAsync(@event.OrderId);")]
    [InlineData("{|ED0007:Thread.Sleep(100)|};", "await Task.Delay(100, cancellationToken);")]
    public Task Fix_AwaitsInAnAsyncHandler(string before, string after)
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<AwaitInsteadOfBlockingCodeFixProvider>(Handler(before), Handler(after), AwaitInsteadOfBlockingCodeFixProvider.EquivalenceKey);

    /// <summary>Stand-ins with the shapes of EF Core's DbSet/DbContext and an ADO command: a synchronous call and its awaitable twin.</summary>
    private const string DataAccess = """
        public class DbContextLike
        {
            public int SaveChanges() => 0;
            public Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
        }

        public sealed class CatalogContext : DbContextLike
        {
            public ItemSet Items { get; } = new();
        }

        public sealed class ItemSet
        {
            public object? Find(params object[] keyValues) => null;
            public ValueTask<object?> FindAsync(params object[] keyValues) => default;
            public int Count() => 0;
        }

        public sealed class Audit
        {
            public void Write(string line) { }
        }

        """;

    private static string DataHandler(string body, string modifier = "async ") => Sources.Events + DataAccess + $$"""
        [EventHandler(Idempotent = true)]
        public sealed class Restock(CatalogContext db, Audit audit) : IEventHandler<OrderPlaced>
        {
            public {{modifier}}ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
            {
                {{body}}
            }
        }
        """;

    [Theory]
    [InlineData("object? item = {|ED0007:db.Items.Find(@event.OrderId)|}; await Task.Yield();")]
    [InlineData("{|ED0007:db.SaveChanges()|}; await Task.Yield();")]
    public Task SynchronousCalls_WithAnAwaitableTwin_InAsyncHandlers_AreReported(string body) => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(DataHandler(body));

    [Theory]
    [InlineData("db.SaveChanges(); return default;", "")] // not async: awaiting is not one keyword away, and the rule would only nag
    [InlineData("int n = db.Items.Count(); audit.Write(\"x\"); await Task.Yield();", "async ")] // no twin to call
    public Task SynchronousCalls_WithoutATwin_OrOutsideAsyncCode_AreNotReported(string body, string modifier)
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(DataHandler(body, modifier));

    [Fact]
    public Task Fix_CallsTheAwaitableTwin()
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<AwaitInsteadOfBlockingCodeFixProvider>(
            DataHandler("object? item = {|ED0007:db.Items.Find(@event.OrderId)|}; {|ED0007:db.SaveChanges()|};"),
            DataHandler("object? item = await db.Items.FindAsync(@event.OrderId); await db.SaveChangesAsync();"),
            AwaitInsteadOfBlockingCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task Fix_IsNotOfferedInASynchronousHandler()
    {
        string source = Handler("{|ED0007:Thread.Sleep(100)|}; return default;", modifier: string.Empty);
        return Verify<HandlerBodyAnalyzer>.CodeFixAsync<AwaitInsteadOfBlockingCodeFixProvider>(source, source);
    }
}
