using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace EventDriven.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs an analyzer (and optionally a code fix) over test sources written with Microsoft.CodeAnalysis.Testing markup:
/// <c>{|ED0004:text|}</c> marks where a diagnostic must be reported, and any diagnostic not marked fails the test.
/// </summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>Every test source starts with these usings, as a project with ImplicitUsings would have them.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using EventDriven;

        """;

    /// <summary>Checks that exactly the marked diagnostics are reported in a console application made of <paramref name="sources"/>.</summary>
    public static Task AnalyzerAsync(params string[] sources) => AnalyzerAsync(OutputKind.ConsoleApplication, sources);

    public static Task AnalyzerAsync(OutputKind outputKind, params string[] sources)
    {
        var test = new AnalyzerTest();
        Configure(test.TestState, outputKind, sources);
        return test.RunAsync();
    }

    /// <summary>
    /// Checks <paramref name="expected"/> (located with <c>{|#0:text|}</c> markup and <c>WithLocation(0)</c>) and nothing else: for
    /// tests that assert a diagnostic's message arguments, not just its place.
    /// </summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest();
        Configure(test.TestState, OutputKind.ConsoleApplication, [source]);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>An expected warning of rule <paramref name="id"/>, as the analyzer describes it.</summary>
    public static DiagnosticResult Diagnostic(string id)
        => new TAnalyzer().SupportedDiagnostics.Single(d => d.Id == id) is var descriptor ? new DiagnosticResult(descriptor) : default;

    /// <summary>Checks the marked diagnostics in <paramref name="source"/> and that the fix turns it into <paramref name="fixedSource"/>.</summary>
    /// <param name="source">The code before the fix, with markup.</param>
    /// <param name="fixedSource">The code after the fix (and after Fix All, which must give the same result).</param>
    /// <param name="equivalenceKey">The code action to apply; every fix here states its key.</param>
    /// <param name="compilationEnd">
    /// The diagnostic is reported at compilation end (ED0001-ED0003). The IDE offers such fixes only where the diagnostic was already
    /// computed (full-solution analysis, a build), which the testing library flags unless told that this is understood.
    /// </param>
    public static Task CodeFixAsync<TCodeFix>(string source, string fixedSource, string? equivalenceKey = null, bool compilationEnd = false)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TCodeFix>
        {
            CodeActionEquivalenceKey = equivalenceKey,
            CodeFixTestBehaviors = compilationEnd ? CodeFixTestBehaviors.SkipLocalDiagnosticCheck : CodeFixTestBehaviors.None,
        };
        Configure(test.TestState, OutputKind.ConsoleApplication, [source]);
        Configure(test.FixedState, OutputKind.ConsoleApplication, [fixedSource]);
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync();
    }

    private static void Configure(SolutionState state, OutputKind outputKind, string[] sources)
    {
        for (int i = 0; i < sources.Length; i++)
        {
            state.Sources.Add(($"/0/Test{i}.cs", Usings + sources[i]));
        }

        if (outputKind == OutputKind.ConsoleApplication)
        {
            state.Sources.Add(("/0/Program.cs", "internal static class Program { private static void Main() { } }\n"));
        }

        state.OutputKind = outputKind;
        state.ReferenceAssemblies = TestReferences.None;
        state.AdditionalReferences.AddRange(TestReferences.All);
    }

    private sealed class AnalyzerTest : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest()
        {
            ReferenceAssemblies = TestReferences.None;
        }

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);

        protected override CompilationOptions CreateCompilationOptions()
            => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
    }

    private sealed class CodeFixTest<TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        where TCodeFix : CodeFixProvider, new()
    {
        public CodeFixTest()
        {
            ReferenceAssemblies = TestReferences.None;
        }

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);

        protected override CompilationOptions CreateCompilationOptions()
            => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
    }
}
