namespace EventDriven.Projections;

/// <summary>
/// The writer of a projection that keeps its read model in memory (<see cref="InMemoryProjectionCheckpoints"/>): it carries nothing,
/// the projection changes its own state. Memory and checkpoint are lost together, so such a projection rebuilds at every start.
/// </summary>
public sealed class InMemoryProjectionWriter
{
    internal static readonly InMemoryProjectionWriter Instance = new();

    private InMemoryProjectionWriter()
    {
    }
}
