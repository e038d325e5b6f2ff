namespace EventDriven.Ring;

/// <summary>
/// Completes when the consumer has run every stage over a received event (<see cref="Transport.IEventReceiver"/>), or fails when the
/// stop timeout abandoned it. Continuations never run on the consumer thread: the transport's acknowledgement must not hold it up.
/// </summary>
internal sealed class DeliveryReceipt() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
