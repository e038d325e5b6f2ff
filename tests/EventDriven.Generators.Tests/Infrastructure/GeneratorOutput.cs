using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests.Infrastructure;

/// <summary>What one generator run produced.</summary>
/// <param name="Driver">The driver after the run, to run again incrementally.</param>
/// <param name="RunResult">Generated sources, tracked steps and the generator's diagnostics.</param>
/// <param name="Input">The compilation the generator saw.</param>
/// <param name="Output">The input plus the generated sources.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator reported (and CS8785 if it threw).</param>
internal sealed record GeneratorOutput(
    GeneratorDriver Driver,
    GeneratorDriverRunResult RunResult,
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorRunResult Result => RunResult.Results.Single();

    public IReadOnlyDictionary<string, string> Sources
        => Result.GeneratedSources.ToDictionary(static s => s.HintName, static s => s.SourceText.ToString(), StringComparer.Ordinal);

    /// <summary>The generated dispatch table, or null when the generator wrote none.</summary>
    public string? Table => Sources.TryGetValue("EventDispatchTable.g.cs", out string? table) ? table : null;

    /// <summary>Errors and warnings of the output compilation: the test sources and the generated code together.</summary>
    public ImmutableArray<Diagnostic> CompilationProblems
        => [.. Output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning)];

    /// <summary>Fails unless the generator neither threw nor reported anything and everything compiles without warnings.</summary>
    public GeneratorOutput ShouldCompileCleanly()
    {
        Assert.Null(Result.Exception);
        string[] problems = [.. GeneratorDiagnostics.Concat(CompilationProblems).Select(Describe)];
        if (problems.Length > 0)
        {
            Assert.Fail("Expected a clean compilation, got:\n" + string.Join("\n", problems));
        }

        return this;
    }

    /// <summary>The diagnostic and, for generated code, the offending line, since generated files are not on disk to look at.</summary>
    /// <summary>Emits the output compilation and returns it as a reference for another compilation, as a project reference would.</summary>
    public MetadataReference EmitReference()
    {
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }

    private static string Describe(Diagnostic diagnostic)
    {
        if (diagnostic.Location.SourceTree is { } tree && diagnostic.Location.IsInSource)
        {
            int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
            return diagnostic + "\n    " + tree.GetText().Lines[line].ToString().Trim();
        }

        return diagnostic.ToString();
    }
}
