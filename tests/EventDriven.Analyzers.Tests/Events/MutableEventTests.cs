using EventDriven.Analyzers.Events;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;

namespace EventDriven.Analyzers.Tests.Events;

/// <summary>ED0009: an event that a handler could change under the others.</summary>
public sealed class MutableEventTests
{
    private const string Members = """
            public DateTimeOffset OccurredAt { get; init; }
            public string EventType => "E";
            public string Source => "Tests";
        """;

    [Fact]
    public Task PublicSetters_PublicFields_AndNonReadonlyPositionalRecordStructs_AreReported()
        => Verify<MutableEventAnalyzer>.AnalyzerAsync($$"""
            public sealed class Settable : IEvent
            {
                public Guid Id { get; {|ED0009:set|}; }
                public decimal Total { get; {|ED0009:set|}; }
            {{Members}}
            }

            public sealed class WithField : IEvent
            {
                public Guid Id { get; init; }
                public string {|ED0009:Note|} = "";
            {{Members}}
            }

            public record struct {|ED0009:Positional|}(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Positional";
                public string Source => "Tests";
            }

            public abstract class EventBase : IEvent
            {
                public Guid Id { get; {|ED0009:set|}; }
            {{Members}}
            }
            """);

    [Fact]
    public Task InitAccessors_NonPublicSetters_ReadonlyRecordStructs_StaticsAndNonEvents_AreNotReported()
        => Verify<MutableEventAnalyzer>.AnalyzerAsync($$"""
            public sealed record Immutable(Guid OrderId) : IEvent
            {
                public Guid Id { get; init; }
                public int Attempt { get; private set; }
                public int Retries { get; internal set; }
                public static int Created { get; set; }
                public static string DefaultSource = "Tests";
                public readonly string Note = "";
                public const int Version = 1;
            {{Members}}
            }

            public readonly record struct Positional(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Positional";
                public string Source => "Tests";
            }

            public class OrderDto
            {
                public Guid Id { get; set; }
                public string Note = "";
            }

            public sealed class DerivedFromMutableBase : OrderDto, IEvent
            {
                public DateTimeOffset OccurredAt { get; init; }
                public string EventType => "D";
                public string Source => "Tests";
            }
            """);

    [Fact]
    public Task Fix_MakesEveryMemberImmutable()
        => Verify<MutableEventAnalyzer>.CodeFixAsync<MakeEventImmutableCodeFixProvider>(
            $$"""
            public sealed class Settable : IEvent
            {
                public Guid Id { get; {|ED0009:set|}; }
                public string {|ED0009:Note|} = "";
            {{Members}}
            }

            public record struct {|ED0009:Positional|}(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Positional";
                public string Source => "Tests";
            }
            """,
            $$"""
            public sealed class Settable : IEvent
            {
                public Guid Id { get; init; }
                public readonly string Note = "";
            {{Members}}
            }

            public readonly record struct Positional(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Positional";
                public string Source => "Tests";
            }
            """,
            MakeEventImmutableCodeFixProvider.EquivalenceKey);
}
