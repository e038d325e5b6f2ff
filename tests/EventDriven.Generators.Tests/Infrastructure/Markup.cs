using Microsoft.CodeAnalysis.Text;

namespace EventDriven.Generators.Tests.Infrastructure;

/// <summary>
/// Test source with one span marked as <c>[|...|]</c>, where a diagnostic is expected (the Microsoft.CodeAnalysis.Testing
/// convention, without the package).
/// </summary>
internal sealed record Markup(SourceFile Source, TextSpan Span)
{
    private const string Open = "[|";
    private const string Close = "|]";

    public static Markup Parse(string path, string marked)
    {
        int start = marked.IndexOf(Open, StringComparison.Ordinal);
        int end = marked.IndexOf(Close, start + Open.Length, StringComparison.Ordinal);
        if (start < 0 || end < 0 || marked.IndexOf(Open, end, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("Mark exactly one span with [|...|].", nameof(marked));
        }

        string text = string.Concat(marked.AsSpan(0, start), marked.AsSpan(start + Open.Length, end - start - Open.Length), marked.AsSpan(end + Close.Length));
        return new Markup(new SourceFile(path, text), TextSpan.FromBounds(start, end - Open.Length));
    }
}
