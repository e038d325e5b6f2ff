using EventDriven.Reliability;

namespace EventDriven.Testing;

/// <summary>Hands every dead letter to the sink the application registered, after the harness noted it.</summary>
internal sealed class RecordingDeadLetterSink(IDeadLetterSink inner, EventDrivenTestHarness harness) : IDeadLetterSink
{
    public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        harness.RecordDeadLetter(letter);
        return inner.WriteAsync(letter, cancellationToken);
    }
}
