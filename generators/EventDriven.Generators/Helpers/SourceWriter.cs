using System;
using System.Text;

namespace EventDriven.Generators.Helpers
{
    /// <summary>Writes C# with consistent four-space indentation and '\n' line endings, so output is identical on every OS.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _text = new();
        private int _indent;

        public SourceWriter Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _indent * 4);
                _text.Append(line);
            }

            _text.Append('\n');
            return this;
        }

        /// <summary>Writes a multi-line block (e.g. a raw string literal), indenting each line at the current level.</summary>
        public SourceWriter Lines(string block)
        {
            foreach (string line in block.Replace("\r\n", "\n").Split('\n'))
            {
                Line(line);
            }

            return this;
        }

        public SourceWriter OpenBrace()
        {
            Line("{");
            _indent++;
            return this;
        }

        public SourceWriter CloseBrace(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
            return this;
        }

        public override string ToString() => _text.ToString();
    }
}
