using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using EventDriven.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EventDriven.Benchmarks.Generator;

/// <summary>
/// The dispatch-table generator itself, driven by <see cref="CSharpGeneratorDriver"/> over an in-memory compilation of
/// <see cref="Handlers"/> handler classes (one file each, ten handlers per event type), the way the compiler and the IDE run it.
/// </summary>
/// <remarks>
/// <para><b>First run</b>: a new driver over a new compilation (the sources are parsed once, in setup): what a command-line build
/// pays, including the binding the generator asks for.</para>
/// <para><b>Edit a handler body</b>: the driver that already ran is run on the compilation with one handler's method body changed,
/// as in the IDE after a keystroke: the generator's model is equal, so nothing is emitted again.</para>
/// <para><b>Add a handler</b>: the same, with one handler file added to an existing event type: the model changes and the table is
/// written again.</para>
/// References are the .NET 10 reference assemblies (Basic.Reference.Assemblies.Net100) and EventDriven.dll.
/// </remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class GeneratorBenchmarks
{
    private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Latest);

    private SyntaxTree[] _trees = [];
    private ImmutableArray<MetadataReference> _references;
    private CSharpCompilationOptions _options = null!;
    private Compilation _compilation = null!;
    private GeneratorDriver _driverAfterFirstRun = null!;
    private SyntaxTree _editedBefore = null!;
    private SyntaxTree _editedAfter = null!;
    private SyntaxTree _addedHandler = null!;

    [Params(10, 1_000)]
    public int Handlers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int eventTypes = Math.Max(1, Handlers / 10);
        var trees = new List<SyntaxTree> { Parse("Events.cs", Events(eventTypes)) };
        for (int i = 0; i < Handlers; i++)
        {
            trees.Add(Parse($"Handler{i}.cs", Handler(i, i % eventTypes, "sink.Total += @event.Amount;")));
        }

        _trees = [.. trees];
        _references = [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(IEvent).Assembly.Location)];
        _options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        _compilation = NewCompilation();
        _driverAfterFirstRun = NewDriver().RunGenerators(_compilation);
        Check(_driverAfterFirstRun, Handlers);

        _editedBefore = _trees[1];
        _editedAfter = Parse("Handler0.cs", Handler(0, 0, "sink.Total += @event.Amount * 2; // edited"));
        _addedHandler = Parse($"Handler{Handlers}.cs", Handler(Handlers, 0, "sink.Total += @event.Amount;"));
        Check(_driverAfterFirstRun.RunGenerators(_compilation.ReplaceSyntaxTree(_editedBefore, _editedAfter)), Handlers);
        Check(_driverAfterFirstRun.RunGenerators(_compilation.AddSyntaxTrees(_addedHandler)), Handlers + 1);
    }

    [Benchmark(Description = "First run (new driver, new compilation)")]
    public GeneratorDriver FirstRun() => NewDriver().RunGenerators(NewCompilation());

    [Benchmark(Description = "Incremental: edit one handler's body")]
    public GeneratorDriver EditHandlerBody() => _driverAfterFirstRun.RunGenerators(_compilation.ReplaceSyntaxTree(_editedBefore, _editedAfter));

    [Benchmark(Description = "Incremental: add one handler")]
    public GeneratorDriver AddHandler() => _driverAfterFirstRun.RunGenerators(_compilation.AddSyntaxTrees(_addedHandler));

    private Compilation NewCompilation() => CSharpCompilation.Create("Shop", _trees, _references, _options);

    private static GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create([new DispatchTableGenerator().AsSourceGenerator()], parseOptions: s_parse);

    private static SyntaxTree Parse(string path, string text) => CSharpSyntaxTree.ParseText(text, s_parse, path, Encoding.UTF8);

    /// <summary>The generator must have run cleanly and written a table that names every handler.</summary>
    private static void Check(GeneratorDriver driver, int handlers)
    {
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is { } exception)
        {
            throw new InvalidOperationException("The generator threw.", exception);
        }

        if (result.Diagnostics.Any(d => d.Severity >= DiagnosticSeverity.Warning))
        {
            throw new InvalidOperationException("The generator reported: " + string.Join("; ", result.Diagnostics));
        }

        string table = result.GeneratedSources.Single(s => s.HintName == "EventDispatchTable.g.cs").SourceText.ToString();
        int named = Enumerable.Range(0, handlers).Count(i => table.Contains($"global::Shop.Handler{i}>", StringComparison.Ordinal));
        if (named != handlers)
        {
            throw new InvalidOperationException($"The table registers {named} of {handlers} handlers.");
        }
    }

    private static string Events(int count)
    {
        var text = new StringBuilder("using EventDriven;\n\nnamespace Shop;\n\npublic sealed class Sink { public long Total; }\n");
        for (int e = 0; e < count; e++)
        {
            text.Append($$"""

                public sealed record OrderEvent{{e}}(System.Guid Id, long Amount) : IEvent
                {
                    public System.DateTimeOffset OccurredAt => System.DateTimeOffset.UnixEpoch;
                    public string EventType => "OrderEvent{{e}}";
                    public string Source => "Shop";
                }

                """);
        }

        return text.ToString();
    }

    private static string Handler(int index, int eventType, string body) => $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using EventDriven;

        namespace Shop;

        [EventHandler]
        public sealed class Handler{{index}}(Sink sink) : IEventHandler<OrderEvent{{eventType}}>
        {
            public ValueTask HandleAsync(OrderEvent{{eventType}} @event, CancellationToken cancellationToken = default)
            {
                {{body}}
                return default;
            }
        }
        """;
}
