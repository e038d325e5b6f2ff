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

    [Fact]
    public Task Fix_IsNotOfferedInASynchronousHandler()
    {
        string source = Handler("{|ED0007:Thread.Sleep(100)|}; return default;", modifier: string.Empty);
        return Verify<HandlerBodyAnalyzer>.CodeFixAsync<AwaitInsteadOfBlockingCodeFixProvider>(source, source);
    }
}
