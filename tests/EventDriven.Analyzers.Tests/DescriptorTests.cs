using System.Collections.Immutable;
using System.Composition;
using System.Reflection;
using System.Text.RegularExpressions;
using EventDriven.Analyzers.Subscriptions;
using EventDriven.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace EventDriven.Analyzers.Tests;

/// <summary>The conventions every rule and fix must keep: stable IDs, a docs page, a release entry, sealed shared batch-fixable fixes.</summary>
public sealed class DescriptorTests
{
    private static readonly ImmutableArray<DiagnosticDescriptor> s_descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(static f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(static f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToImmutableArray();

    private static readonly ImmutableArray<DiagnosticAnalyzer> s_analyzers = typeof(SubscriptionAnalyzer).Assembly.GetTypes()
        .Where(static t => t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(static t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly ImmutableArray<Type> s_codeFixes = typeof(AddHandlerStubCodeFixProvider).Assembly.GetTypes()
        .Where(static t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
        .ToImmutableArray();

    public static TheoryData<string> Ids => new(s_descriptors.Select(static d => d.Id));

    [Fact]
    public void Ids_AreStableEdNumbers_UniqueAndInOrder()
    {
        string[] ids = s_descriptors.Select(static d => d.Id).ToArray();
        Assert.All(ids, static id => Assert.Matches("^ED[0-9]{4}$", id));
        Assert.Equal(ids.Distinct().Count(), ids.Length);
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(static n => $"ED{n:0000}"), ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryDescriptor_IsReportedByExactlyOneAnalyzer()
    {
        string[] supported = s_analyzers.SelectMany(static a => a.SupportedDiagnostics).Select(static d => d.Id).ToArray();
        Assert.Equal(s_descriptors.Select(static d => d.Id).Order(StringComparer.Ordinal), supported.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryRule_HasADocsPage_ThatItsHelpLinkNamesAndThatStatesItsSeverity(string id)
    {
        DiagnosticDescriptor descriptor = s_descriptors.Single(d => d.Id == id);
        Assert.Equal($"https://github.com/eventdriven/eventdriven/blob/main/docs/diagnostics/{id}.md", descriptor.HelpLinkUri);

        string page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", id + ".md"));
        Assert.StartsWith($"# {id}: {descriptor.Title}", page, StringComparison.Ordinal);
        Assert.Contains($"**Severity:** {descriptor.DefaultSeverity.ToString().ToLowerInvariant()}", page, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryRule_IsInTheReleaseNotes_AndInTheReadmeTable(string id)
    {
        DiagnosticDescriptor descriptor = s_descriptors.Single(d => d.Id == id);
        string releases = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "releases", "AnalyzerReleases.Unshipped.md"));
        Assert.Matches($@"(?m)^{id} \| {Regex.Escape(descriptor.Category)} \| {descriptor.DefaultSeverity} \|", releases);

        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "README.md"));
        Assert.Contains($"[{id}]({id}.md)", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalyzerAssembly_ReferencesNoWorkspaces_AndNoRoslynNewerThan4_14()
    {
        AssemblyName[] references = typeof(SubscriptionAnalyzer).Assembly.GetReferencedAssemblies();
        Assert.DoesNotContain(references, static r => r.Name!.Contains("Workspaces", StringComparison.Ordinal));
        Assert.All(references.Where(static r => r.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)), static r => Assert.True(r.Version <= new Version(4, 14, 0, 0), $"{r.Name} {r.Version}"));
        Assert.DoesNotContain(typeof(AddHandlerStubCodeFixProvider).Assembly.GetTypes(), static t => t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null);
    }

    [Fact]
    public void CodeFixes_AreSealedSharedExportedBatchFixers_ForKnownRules()
    {
        Assert.NotEmpty(s_codeFixes);
        string[] ids = s_descriptors.Select(static d => d.Id).ToArray();
        Assert.All(s_codeFixes, fix =>
        {
            Assert.True(fix.IsSealed, fix.Name + " is not sealed");
            Assert.NotNull(fix.GetCustomAttribute<SharedAttribute>());
            Assert.NotNull(fix.GetCustomAttribute<ExportCodeFixProviderAttribute>());
            var provider = (CodeFixProvider)Activator.CreateInstance(fix)!;
            Assert.Same(WellKnownFixAllProviders.BatchFixer, provider.GetFixAllProvider());
            Assert.All(provider.FixableDiagnosticIds, id => Assert.Contains(id, ids));
        });
    }
}
