namespace ECommerce.Invariants;

/// <summary>The verdict on one invariant.</summary>
/// <param name="Name">A short name, printed in <c>invariants: FAILED (name, ...)</c>.</param>
/// <param name="Statement">What must hold, in words.</param>
/// <param name="Holds">Whether it held.</param>
/// <param name="Detail">Figures that back the verdict, or the first counter-examples.</param>
public sealed record InvariantResult(string Name, string Statement, bool Holds, string Detail);
