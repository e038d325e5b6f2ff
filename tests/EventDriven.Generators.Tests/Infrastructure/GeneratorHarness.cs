using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EventDriven.Generators.Tests.Infrastructure;

/// <summary>Runs <see cref="DispatchTableGenerator"/> over test sources the way the compiler does, with step tracking on.</summary>
internal static class GeneratorHarness
{
    public const string DefaultAssemblyName = "Shop";

    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new DispatchTableGenerator().AsSourceGenerator()],
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorOutput Run(params SourceFile[] sources) => Run(DefaultAssemblyName, sources);

    public static GeneratorOutput Run(string assemblyName, params SourceFile[] sources)
        => Run(TestCompilation.Create(assemblyName, sources));

    public static GeneratorOutput Run(Compilation compilation)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorOutput(driver, driver.GetRunResult(), compilation, output, diagnostics);
    }
}
