using System.Diagnostics;
using EventDriven.Diagnostics;
using EventDriven.Dispatch;
using EventDriven.Reliability;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Dispatch;

/// <summary>What the scripted probe handler does on each of its calls.</summary>
public enum ProbeStep
{
    Succeed,
    ThrowSynchronously,
    ThrowAfterAwait,
    CancelTheDispatch,
}

/// <summary>Handled by two generated handlers; the first follows <see cref="ProbeScript"/>, the second only records that it ran.</summary>
public sealed record FailureProbe(int Number) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "FailureProbe";
    public string Source => "Tests";
}

/// <summary>The steps the scripted handler takes, call by call (the last repeats), and every call either handler received.</summary>
public sealed class ProbeScript
{
    private readonly Queue<ProbeStep> _steps = new();
    private ProbeStep _last = ProbeStep.Succeed;

    public List<string> Calls { get; } = [];

    public CancellationTokenSource Cancellation { get; set; } = new();

    public void Follow(params ProbeStep[] steps)
    {
        _steps.Clear();
        foreach (ProbeStep step in steps)
        {
            _steps.Enqueue(step);
        }

        Calls.Clear();
        Cancellation = new CancellationTokenSource();
    }

    public void Record(string handler) => Calls.Add(handler);

    public ProbeStep Next() => _last = _steps.Count > 0 ? _steps.Dequeue() : _last;
}

// Both record every call (ProbeScript.Record appends): the tests compare the calls, retries included.
#pragma warning disable ED0004
[EventHandler(Order = 0)]
public sealed class ScriptedProbeHandler(ProbeScript script) : IEventHandler<FailureProbe>
{
    public ValueTask HandleAsync(FailureProbe @event, CancellationToken cancellationToken)
    {
        script.Record(nameof(ScriptedProbeHandler));
        return script.Next() switch
        {
            ProbeStep.ThrowSynchronously => throw new InvalidOperationException("scripted failure"),
            ProbeStep.ThrowAfterAwait => ThrowAfterAwaitAsync(),
            ProbeStep.CancelTheDispatch => CancelAsync(script, cancellationToken),
            _ => default,
        };

        static async ValueTask ThrowAfterAwaitAsync()
        {
            await Task.Yield();
            throw new InvalidOperationException("scripted failure after an await");
        }

        static async ValueTask CancelAsync(ProbeScript script, CancellationToken cancellationToken)
        {
            await script.Cancellation.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}

[EventHandler(Order = 1)]
public sealed class RecordingProbeHandler(ProbeScript script) : IEventHandler<FailureProbe>
{
    public ValueTask HandleAsync(FailureProbe @event, CancellationToken cancellationToken)
    {
        script.Record(nameof(RecordingProbeHandler));
        return default;
    }
}
#pragma warning restore ED0004

/// <summary>
/// Every way an event reaches its handlers — the generated dispatcher, dispatchers merged over assemblies, runtime subscribers and
/// the traced dispatch — is driven through the same failure cases, with and without a failure policy: the outcomes must be identical.
/// </summary>
[Collection(Ring.AllocationSensitive.Name)] // its traced path registers a process-wide ActivityListener
public sealed class FailurePathTests : IDisposable
{
    private static readonly string Scripted = typeof(ScriptedProbeHandler).FullName!;

    private readonly ServiceProvider _services;
    private readonly ProbeScript _script;
    private InMemoryDeadLetterSink _deadLetters = new();
    private readonly EventDispatcher<FailureProbe> _generated;

    public FailurePathTests()
    {
        var services = new ServiceCollection();
        services.AddTestState();
        services.AddEventDriven();
        _services = services.BuildServiceProvider();
        _script = _services.GetRequiredService<ProbeScript>();
        var builder = new EventRouteBuilder();
        foreach (IEventDispatchTable table in EventDispatchTables.All.Where(t => t.GetType().Assembly == typeof(FailurePathTests).Assembly))
        {
            table.AddRoutes(builder, _services);
        }

        _generated = ((EventRoute<FailureProbe>)builder.Build()[EventTypeId<FailureProbe>.Value]!).Dispatcher!;
    }

    public enum DispatchPath
    {
        Generated,
        Merged,
        Subscribed,
        Traced,
    }

    /// <summary>What one dispatch came to: the calls in order, what the caller saw, and what was dead-lettered.</summary>
    private sealed record Outcome(string Calls, string Thrown, string Reported, string DeadLettered);

    public static TheoryData<DispatchPath> Paths => [DispatchPath.Generated, DispatchPath.Merged, DispatchPath.Subscribed, DispatchPath.Traced];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Failure_WithoutAPolicy_RunsTheOtherHandlerAndReportsTheFailure(DispatchPath path)
    {
        foreach (ProbeStep failure in new[] { ProbeStep.ThrowSynchronously, ProbeStep.ThrowAfterAwait })
        {
            Outcome outcome = await DispatchAsync(path, policy: null, failure);

            Assert.Equal(new Outcome("Scripted Recording", nameof(EventDispatchException), Scripted, ""), outcome);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Failure_WithRetries_RetriesTheFailedHandlerAloneUntilItSucceeds(DispatchPath path)
    {
        foreach (ProbeStep failure in new[] { ProbeStep.ThrowSynchronously, ProbeStep.ThrowAfterAwait })
        {
            Outcome outcome = await DispatchAsync(path, new RetryPolicy(3, TimeSpan.Zero), failure, failure, ProbeStep.Succeed);

            Assert.Equal(new Outcome("Scripted Scripted Scripted Recording", "", "", ""), outcome);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Failure_PastTheRetries_IsDeadLetteredOnceAndTheOtherHandlerStillRuns(DispatchPath path)
    {
        Outcome outcome = await DispatchAsync(path, new RetryPolicy(1, TimeSpan.Zero), ProbeStep.ThrowAfterAwait);

        Assert.Equal(new Outcome("Scripted Scripted Recording", "", "", Scripted + " after 2 attempts"), outcome);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Failure_WithNoRetries_IsDeadLetteredAfterOneAttempt(DispatchPath path)
    {
        Outcome outcome = await DispatchAsync(path, RetryPolicy.None, ProbeStep.ThrowSynchronously);

        Assert.Equal(new Outcome("Scripted Recording", "", "", Scripted + " after 1 attempts"), outcome);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Cancellation_TheCallerAskedFor_EndsTheDispatch_AndIsNeitherRetriedNorReported(DispatchPath path)
    {
        foreach (RetryPolicy? policy in new[] { null, new RetryPolicy(3, TimeSpan.Zero) })
        {
            Outcome outcome = await DispatchAsync(path, policy, ProbeStep.CancelTheDispatch);

            Assert.Equal(new Outcome("Scripted", nameof(TaskCanceledException) + "|" + nameof(OperationCanceledException), "", ""), outcome with { Thrown = Normalize(outcome.Thrown) });
        }

        static string Normalize(string thrown)
            => thrown is nameof(TaskCanceledException) or nameof(OperationCanceledException) ? nameof(TaskCanceledException) + "|" + nameof(OperationCanceledException) : thrown;
    }

    public void Dispose() => _services.Dispose();

    private async Task<Outcome> DispatchAsync(DispatchPath path, RetryPolicy? policy, params ProbeStep[] steps)
    {
        _script.Follow(steps);
        _deadLetters = new InMemoryDeadLetterSink();
        EventDispatcher<FailureProbe> dispatcher = path switch
        {
            DispatchPath.Merged => MergedEventDispatcher<FailureProbe>.Create([_generated, new NoHandlers()]),
            DispatchPath.Subscribed => MergedEventDispatcher<FailureProbe>.WithSubscribers(null, [new ScriptedProbeHandler(_script), new RecordingProbeHandler(_script)]),
            _ => _generated,
        };
        dispatcher.FailurePolicy = policy is null ? null : PolicyOf(policy);
        using ActivityListener? listener = path == DispatchPath.Traced ? ListenToEveryDispatch() : null;
        string thrown = "";
        string reported = "";
        try
        {
            var probe = new FailureProbe(1);
            await (path == DispatchPath.Traced
                ? dispatcher.DispatchTracedAsync(probe, new DispatchTrace(nameof(FailureProbe), probe.EventType, probe.Id, publisher: null), _script.Cancellation.Token)
                : dispatcher.DispatchAsync(probe, _script.Cancellation.Token));
        }
        catch (EventDispatchException exception)
        {
            thrown = nameof(EventDispatchException);
            reported = string.Join(" ", exception.Failures.Select(f => f.HandlerName));
        }
        catch (OperationCanceledException exception)
        {
            thrown = exception.GetType().Name;
        }
        finally
        {
            dispatcher.FailurePolicy = null;
        }

        string calls = string.Join(" ", _script.Calls.Select(c => c.Replace("ProbeHandler", "", StringComparison.Ordinal)));
        string deadLettered = string.Join(" ", _deadLetters.Letters.Select(l => $"{l.HandlerName} after {l.Attempts} attempts"));
        return new Outcome(calls, thrown, reported, deadLettered);
    }

    private HandlerFailurePolicy PolicyOf(RetryPolicy retry)
    {
        var options = new EventDrivenOptions { RetryPolicy = retry };
        return new HandlerFailurePolicy(options, _deadLetters, new EventDrivenMetrics(null, static () => [], static () => [], static () => default), TimeProvider.System);
    }

    private static ActivityListener ListenToEveryDispatch()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == EventDrivenActivitySource.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>A second assembly's dispatcher that happens to have no handler of its own: forces the merged, indexed path.</summary>
    private sealed class NoHandlers() : EventDispatcher<FailureProbe>([])
    {
        public override ValueTask DispatchAsync(FailureProbe @event, CancellationToken cancellationToken) => default;

        public override ValueTask InvokeAsync(int handlerIndex, FailureProbe @event, CancellationToken cancellationToken) => ThrowHandlerIndexOutOfRange(handlerIndex);
    }
}
