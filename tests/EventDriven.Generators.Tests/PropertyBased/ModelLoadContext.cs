using System.Reflection;
using System.Runtime.Loader;

namespace EventDriven.Generators.Tests.PropertyBased;

/// <summary>
/// A collectible context for one compiled model. <see cref="Load"/> returns null, so EventDriven and DI resolve from the default
/// context: the model's handlers must implement the very <c>IEventHandler&lt;T&gt;</c> the bus in this process knows.
/// </summary>
internal sealed class ModelLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
