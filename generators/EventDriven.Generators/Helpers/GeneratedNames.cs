using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace EventDriven.Generators.Helpers
{
    /// <summary>Names and attributes every generated file shares.</summary>
    internal static class GeneratedNames
    {
        /// <summary>The <c>[GeneratedCode]</c> attribute naming this generator and its version.</summary>
        public static readonly string GeneratedCodeAttribute =
            "[global::System.CodeDom.Compiler.GeneratedCode(\"EventDriven.Generators\", \"" + typeof(GeneratedNames).Assembly.GetName().Version + "\")]";

        /// <summary><paramref name="prefix"/> followed by the assembly name with every character that cannot be in an identifier replaced by '_'.</summary>
        public static string PerAssemblyClassName(string prefix, string assemblyName)
        {
            var name = new StringBuilder(prefix);
            foreach (char c in assemblyName)
            {
                name.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
            }

            return name.ToString();
        }
    }
}
