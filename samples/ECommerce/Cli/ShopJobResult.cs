using ECommerce.Invariants;

namespace ECommerce.Cli;

/// <summary>What a run ended with.</summary>
/// <param name="Run">The run's services and figures.</param>
/// <param name="Invariants">Each invariant's verdict.</param>
/// <param name="Elapsed">From the first order placed to the bus stopped (the throughput's time base).</param>
/// <param name="MermaidPath">Where the event-flow diagram was written.</param>
public sealed record ShopJobResult(ShopRun Run, IReadOnlyList<InvariantResult> Invariants, TimeSpan Elapsed, string? MermaidPath)
{
    /// <summary>True when every invariant held.</summary>
    public bool Succeeded => Invariants.All(static i => i.Holds);

    /// <summary>The process exit code: 0 when every invariant held, 1 otherwise.</summary>
    public int ExitCode => Succeeded ? 0 : 1;

    /// <summary>The last line of the output: <c>invariants: OK</c>, or <c>invariants: FAILED (names)</c>.</summary>
    public string Verdict => Succeeded ? "invariants: OK" : $"invariants: FAILED ({string.Join(", ", Invariants.Where(static i => !i.Holds).Select(static i => i.Name))})";
}
