using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace EventDriven.Analyzers.Tests.Infrastructure;

/// <summary>What every test compilation references: the .NET 10 reference assemblies and the EventDriven runtime built here.</summary>
/// <remarks>
/// <see cref="None"/> is a reference-assembly set with no package, so the testing library resolves nothing from NuGet; the real
/// references come from Basic.Reference.Assemblies.Net100 (embedded in its package) and are created once: metadata is the expensive
/// part of a compilation.
/// </remarks>
internal static class TestReferences
{
    public static readonly ReferenceAssemblies None = new ReferenceAssemblies("net10.0").WithAssemblies(ImmutableArray<string>.Empty);

    public static readonly ImmutableArray<MetadataReference> All =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(IEventBus).Assembly.Location),
    ];
}
