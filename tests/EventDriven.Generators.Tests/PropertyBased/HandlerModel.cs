using System.Globalization;

namespace EventDriven.Generators.Tests.PropertyBased;

/// <summary>One <c>[EventHandler]</c> class of a random model.</summary>
/// <param name="Name">The class name, unique in the model; some differ only in case, to test ordinal ordering and field naming.</param>
/// <param name="Order">The <c>Order</c> the attribute gives it.</param>
/// <param name="Sealed">Whether the class is sealed.</param>
/// <param name="Explicit">Whether it implements <c>HandleAsync</c> explicitly, so the table must call it through the interface.</param>
/// <param name="Handles">Indices into <see cref="DispatchModel.Events"/>; never empty.</param>
public sealed record HandlerModel(string Name, int Order, bool Sealed, bool Explicit, int[] Handles)
{
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{(Sealed ? "sealed " : string.Empty)}{Name}(Order={Order}{(Explicit ? ", explicit" : string.Empty)}) handles [{string.Join(",", Handles)}]");
}
