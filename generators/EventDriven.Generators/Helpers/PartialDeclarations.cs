using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Generators.Helpers
{
    /// <summary>The declarations a generated partial part of a type opens (sagas' glue, aggregates' switch).</summary>
    internal static class PartialDeclarations
    {
        /// <summary>The <c>partial class X</c> lines from the outermost containing type in, or null when one of them is not partial.</summary>
        public static List<string>? Read(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var declarations = new List<string>();
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaringSyntaxReferences.Length == 0)
                {
                    return null;
                }

                foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                        || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        return null;
                    }
                }

                string keyword = current.IsRecord
                    ? current.TypeKind == TypeKind.Struct ? "record struct" : "record"
                    : current.TypeKind == TypeKind.Struct ? "struct" : "class";
                declarations.Insert(0, "partial " + keyword + " " + current.Name);
            }

            return declarations;
        }
    }
}
