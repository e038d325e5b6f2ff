using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.Generators.Helpers
{
    /// <summary>Names and attributes every generated file shares, and how a generated file is added.</summary>
    internal static class GeneratedNames
    {
        /// <summary>The <c>[GeneratedCode]</c> attribute naming this generator and its version.</summary>
        public static readonly string GeneratedCodeAttribute =
            "[global::System.CodeDom.Compiler.GeneratedCode(\"EventDriven.Generators\", \"" + typeof(GeneratedNames).Assembly.GetName().Version + "\")]";

        /// <summary>The assembly's generated dispatch table class, e.g. <c>EventDispatchTable_Shop</c>.</summary>
        public static string TableClassName(string assemblyName) => Identifier("EventDispatchTable_", assemblyName);

        /// <summary>The assembly's generated event type catalog class, e.g. <c>EventTypeCatalog_Shop</c>.</summary>
        public static string CatalogClassName(string assemblyName) => Identifier("EventTypeCatalog_", assemblyName);

        /// <summary><paramref name="prefix"/> followed by <paramref name="text"/> with every character that cannot be in an identifier replaced by '_'.</summary>
        public static string Identifier(string prefix, string text)
        {
            var name = new StringBuilder(prefix);
            foreach (char c in text)
            {
                name.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
            }

            return name.ToString();
        }

        /// <summary>
        /// Maps each key to its preferred name, suffixing a number where two keys want the same name or a name is
        /// <paramref name="reserved"/> for another member of the generated type. A repeated key keeps its first name.
        /// </summary>
        public static Dictionary<string, string> UniqueNames(IEnumerable<string> keys, IEnumerable<string> preferred, params string[] reserved)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var used = new HashSet<string>(reserved, StringComparer.Ordinal);
            foreach ((string key, string name) in keys.Zip(preferred, static (k, n) => (k, n)))
            {
                if (result.ContainsKey(key))
                {
                    continue;
                }

                string candidate = name;
                for (int i = 2; !used.Add(candidate); i++)
                {
                    candidate = name + Literals.Int(i);
                }

                result.Add(key, candidate);
            }

            return result;
        }

        /// <summary>Adds a generated file, UTF-8 encoded as every generated file is.</summary>
        public static void AddGeneratedSource(this SourceProductionContext output, string hintName, string text)
            => output.AddSource(hintName, SourceText.From(text, Encoding.UTF8));
    }
}
