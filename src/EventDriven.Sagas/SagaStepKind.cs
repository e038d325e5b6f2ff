namespace EventDriven.Sagas;

/// <summary>The role an event type plays in a saga definition.</summary>
internal enum SagaStepKind
{
    Start,
    Step,
    Compensate,
    Complete,
}
