using System.Reflection;
using System.Runtime.CompilerServices;
using EventDriven.Generators.Tests.Infrastructure;
using FsCheck.Xunit;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests.PropertyBased;

/// <summary>
/// End to end, against the oracle in <see cref="DispatchModel.ExpectedLog"/>: random models are compiled with the generator, loaded,
/// and run through the real bus.
/// </summary>
/// <remarks>
/// Generated module initializers register their table in the process-wide <c>EventDispatchTables</c>, where it stays. Every model
/// therefore gets its own namespace and assembly name, so tables of earlier models never handle this model's events (they only add
/// handlers that write to their own, separate logs).
/// </remarks>
public sealed class DispatchPropertyTests
{
    private static int s_models;

    [Property(MaxTest = 25, Arbitrary = [typeof(DispatchModelArbitrary)])]
    public void Property_EveryPublishedEventReachesExactlyItsHandlersOnceInDeclaredOrder(DispatchModel model)
    {
        int number = Interlocked.Increment(ref s_models);
        string ns = "PropertyModel" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        GeneratorOutput output = GeneratorHarness.Run(ns, new SourceFile(ns + ".cs", ModelProgram.Render(model, ns)));
        Assert.Null(output.Result.Exception);
        Assert.Empty(output.GeneratorDiagnostics);
        Assert.Empty(output.Output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.ToString()));
        Assert.Equal(model.Handlers.Length > 0, output.Table is not null);

        string[] log = Run(output.Output, ns);

        Assert.Equal(model.ExpectedLog(ns), log);
    }

    private static string[] Run(Compilation compilation, string ns)
    {
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;

        var context = new ModelLoadContext(ns);
        try
        {
            Assembly assembly = context.LoadFromStream(image);

            // The runtime would run it on first access anyway; running it first makes the table registered before AddEventDriven reads it.
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            MethodInfo run = assembly.GetType(ns + ".Program", throwOnError: true)!.GetMethod("Run")!;
            return (string[])run.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
