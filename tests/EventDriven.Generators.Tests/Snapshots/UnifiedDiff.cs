using System.Text;

namespace EventDriven.Generators.Tests.Snapshots;

/// <summary>A line diff in unified format (<c>@@ -a,b +c,d @@</c> hunks with three lines of context), for snapshot failures.</summary>
/// <remarks>Plain longest-common-subsequence: generated files are a few hundred lines, so the quadratic table is cheap.</remarks>
internal static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string expected, string actual, string expectedName, string actualName)
    {
        string[] a = SplitLines(expected);
        string[] b = SplitLines(actual);
        List<Edit> edits = Edits(a, b);

        var text = new StringBuilder();
        text.Append("--- ").Append(expectedName).Append('\n');
        text.Append("+++ ").Append(actualName).Append('\n');

        int i = 0;
        while (i < edits.Count)
        {
            if (edits[i].Kind == ' ')
            {
                i++;
                continue;
            }

            // A hunk runs from three lines before its first change to three lines after its last; changes separated by at most
            // two contexts of unchanged lines share one hunk.
            int start = Math.Max(0, i - Context);
            int lastChange = i;
            for (int j = i + 1; j < edits.Count && j - lastChange <= 2 * Context; j++)
            {
                if (edits[j].Kind != ' ')
                {
                    lastChange = j;
                }
            }

            int end = Math.Min(edits.Count - 1, lastChange + Context);
            int oldStart = edits[start].OldLine;
            int newStart = edits[start].NewLine;
            int oldCount = 0;
            int newCount = 0;
            for (int k = start; k <= end; k++)
            {
                oldCount += edits[k].Kind != '+' ? 1 : 0;
                newCount += edits[k].Kind != '-' ? 1 : 0;
            }

            // A side with no lines in the hunk names the line before it, as diff -u does.
            text.Append("@@ -").Append(oldCount == 0 ? oldStart : oldStart + 1).Append(',').Append(oldCount)
                .Append(" +").Append(newCount == 0 ? newStart : newStart + 1).Append(',').Append(newCount).Append(" @@\n");
            for (int k = start; k <= end; k++)
            {
                text.Append(edits[k].Kind).Append(edits[k].Text).Append('\n');
            }

            i = end + 1;
        }

        return text.ToString();
    }

    private static string[] SplitLines(string text)
    {
        string normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (normalized.EndsWith('\n'))
        {
            normalized = normalized[..^1];
        }

        return normalized.Length == 0 ? [] : normalized.Split('\n');
    }

    private static List<Edit> Edits(string[] a, string[] b)
    {
        // common[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal)
                    ? common[i + 1, j + 1] + 1
                    : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var edits = new List<Edit>(a.Length + b.Length);
        int x = 0;
        int y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && string.Equals(a[x], b[y], StringComparison.Ordinal))
            {
                edits.Add(new Edit(' ', a[x], x, y));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || common[x + 1, y] >= common[x, y + 1]))
            {
                edits.Add(new Edit('-', a[x], x, y));
                x++;
            }
            else
            {
                edits.Add(new Edit('+', b[y], x, y));
                y++;
            }
        }

        return edits;
    }

    private readonly record struct Edit(char Kind, string Text, int OldLine, int NewLine);
}
