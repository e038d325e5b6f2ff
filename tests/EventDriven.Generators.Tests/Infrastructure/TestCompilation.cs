using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Generators.Tests.Infrastructure;

/// <summary>Builds in-memory compilations of test sources against the .NET 10 reference assemblies, EventDriven and DI.</summary>
/// <remarks>
/// References come from Basic.Reference.Assemblies.Net100 and from assemblies this test project already loaded, so nothing is
/// downloaded or looked up on disk by name. The references are created once: metadata is the expensive part of a compilation.
/// </remarks>
internal static class TestCompilation
{
    /// <summary>
    /// Documentation comments are parsed and checked (as with <c>GenerateDocumentationFile</c>), so malformed XML or a broken
    /// <c>cref</c> in generated code fails the tests; CS1591 (undocumented public member) is off for the terse test inputs.
    /// </summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(IEventBus).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(IServiceCollection).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(ServiceCollectionContainerBuilderExtensions).Assembly.Location),
    ];

    private static readonly CSharpCompilationOptions s_options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        .WithSpecificDiagnosticOptions([new KeyValuePair<string, ReportDiagnostic>("CS1591", ReportDiagnostic.Suppress)])
        .WithOptimizationLevel(OptimizationLevel.Release)
        .WithDeterministic(true);

    public static CSharpCompilation Create(string assemblyName, params SourceFile[] sources)
        => CSharpCompilation.Create(
            assemblyName,
            sources.Select(static source => Parse(source)),
            References,
            s_options);

    public static CSharpCompilation Create(string assemblyName, IEnumerable<MetadataReference> extraReferences, params SourceFile[] sources)
        => Create(assemblyName, sources).AddReferences(extraReferences);

    public static SyntaxTree Parse(SourceFile source)
        => CSharpSyntaxTree.ParseText(source.Text, ParseOptions, source.Path, System.Text.Encoding.UTF8);
}
