namespace EventDriven.Generators.Tests.Infrastructure;

/// <summary>One test source: the path diagnostics report, and the C# text.</summary>
internal sealed record SourceFile(string Path, string Text);
