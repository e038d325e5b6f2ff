using EventDriven.Analyzers.Handlers;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;

namespace EventDriven.Analyzers.Tests.Handlers;

/// <summary>ED0008: async void work inside a handler, which the bus can neither await nor see fail.</summary>
public sealed class AsyncVoidTests
{
    private static string Handler(string body, string members = "", string attribute = "[EventHandler]") => Sources.Events + $$"""
        {{attribute}}
        public sealed class Notifier : IEventHandler<OrderPlaced>
        {
            public event EventHandler? Sent;
            {{members}}

            public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
            {
                {{body}}
                return default;
            }
        }
        """;

    [Fact]
    public Task AsyncVoidHelper_CalledFromTheHandler_IsReported()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler("Notify(@event);", "private async void {|ED0008:Notify|}(OrderPlaced e) => await Task.Delay(1);"));

    [Fact]
    public Task AsyncVoidLocalFunctionAndLambda_AreReported()
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(
            "Fire(); Action send = {|ED0008:async|} () => await Task.Delay(1); send(); async void {|ED0008:Fire|}() => await Task.Delay(1);",
            attribute: string.Empty));

    [Theory]
    [InlineData("Sent += async (sender, args) => await Task.Delay(1);", "")]
    [InlineData("OnSent(this, EventArgs.Empty);", "private async void OnSent(object? sender, EventArgs e) => await Task.Delay(1);")]
    [InlineData("_ = NotifyAsync();", "private async Task NotifyAsync() => await Task.Delay(1);")]
    [InlineData("Func<Task> send = async () => await Task.Delay(1); _ = send();", "")]
    [InlineData("", "public async void Unrelated() => await Task.Delay(1);")]
    public Task EventHandlerShapes_TaskReturningWork_AndUnreachedMethods_AreNotReported(string body, string members)
        => Verify<HandlerBodyAnalyzer>.AnalyzerAsync(Handler(body, members));

    [Fact]
    public Task Fix_ReturnsTaskFromAMethod()
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<ReturnTaskInsteadOfVoidCodeFixProvider>(
            Handler("_ = Notify(@event);", "private async void {|ED0008:Notify|}(OrderPlaced e) => await Task.Delay(1);").Replace("_ = Notify", "Notify", StringComparison.Ordinal),
            Handler("Notify(@event);", "private async Task Notify(OrderPlaced e) => await Task.Delay(1);"),
            ReturnTaskInsteadOfVoidCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task Fix_ReturnsTaskFromALocalFunction()
        => Verify<HandlerBodyAnalyzer>.CodeFixAsync<ReturnTaskInsteadOfVoidCodeFixProvider>(
            Handler("Fire(); async void {|ED0008:Fire|}() => await Task.Delay(1);"),
            Handler("Fire(); async Task Fire() => await Task.Delay(1);"),
            ReturnTaskInsteadOfVoidCodeFixProvider.EquivalenceKey);
}
