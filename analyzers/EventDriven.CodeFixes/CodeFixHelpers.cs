using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.CodeFixes
{
    /// <summary>
    /// Small helpers shared by the fixes. The fixes edit text, not trees: each change is one insertion or replacement whose exact
    /// output the tests pin, and names are written as the code at that position would spell them (<c>ToMinimalDisplayString</c>).
    /// </summary>
    internal static class CodeFixHelpers
    {
        public static async Task<Document> ReplaceAsync(Document document, TextSpan span, string text, CancellationToken cancellationToken)
        {
            SourceText source = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            return document.WithText(source.WithChanges(new TextChange(span, text)));
        }

        /// <summary>How the code at <paramref name="position"/> names <paramref name="type"/>, e.g. <c>EventHandler</c> or <c>EventDriven.EventHandler</c> for an attribute.</summary>
        public static string NameAt(ITypeSymbol type, SemanticModel model, int position, bool asAttribute = false)
        {
            string name = type.ToMinimalDisplayString(model, position);
            return asAttribute && name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
        }

        /// <summary>An identifier as C# source spells it: <c>@event</c> for the keyword.</summary>
        public static string Escape(string identifier)
            => SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

        /// <summary>The line break the document already uses.</summary>
        public static string NewLine(SourceText text)
        {
            foreach (TextLine line in text.Lines)
            {
                if (line.EndIncludingLineBreak > line.End)
                {
                    return text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
                }
            }

            return "\n";
        }

        /// <summary>The whitespace before the first token on the line of <paramref name="position"/>.</summary>
        public static string IndentationAt(SourceText text, int position)
        {
            TextLine line = text.Lines.GetLineFromPosition(position);
            int end = line.Start;
            while (end < line.End && (text[end] == ' ' || text[end] == '\t'))
            {
                end++;
            }

            return text.ToString(TextSpan.FromBounds(line.Start, end));
        }
    }
}
