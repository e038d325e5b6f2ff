using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Helpers
{
    /// <summary>Shapes of operations the handler rules ask about: where a write lands, whether two references name the same storage.</summary>
    internal static class OperationFacts
    {
        public static IOperation Unwrap(this IOperation operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>
        /// True when a write to <paramref name="target"/> lands in state that outlives the handler call: a static, a field or property of
        /// the handler (a singleton) or of an object it holds (a field, a captured primary-constructor parameter). Locals, the handler's
        /// own parameters (the event, the token) and values returned by calls are not: the rule stays silent rather than guess.
        /// </summary>
        public static bool IsDurable(this IOperation target)
        {
            switch (target.Unwrap())
            {
                case IFieldReferenceOperation field:
                    return field.Field.IsStatic || IsDurableReceiver(field.Instance);
                case IPropertyReferenceOperation property:
                    return property.Property.IsStatic || IsDurableReceiver(property.Instance);
                case IArrayElementReferenceOperation element:
                    return element.ArrayReference.IsDurable();
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.IsCapturedPrimaryConstructorParameter();
                case IInstanceReferenceOperation:
                    return true;
                default:
                    return false;
            }
        }

        public static bool IsDurableReceiver(IOperation? instance)
            => instance is null || instance.Unwrap() is IInstanceReferenceOperation || instance.IsDurable();

        public static bool IsCapturedPrimaryConstructorParameter(this IParameterSymbol parameter)
            => parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                && constructor.DeclaringSyntaxReferences.Length > 0
                && constructor.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax;

        /// <summary>The field, property, local or parameter <paramref name="operation"/> reads, or <see langword="null"/>.</summary>
        public static ISymbol? ReferencedSymbol(this IOperation operation) => operation.Unwrap() switch
        {
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

        /// <summary>True when both operations name the same storage: the same member of the same receiver, or the same local or parameter.</summary>
        public static bool SameReference(IOperation? left, IOperation? right)
        {
            if (left is null || right is null)
            {
                return left is null && right is null;
            }

            left = left.Unwrap();
            right = right.Unwrap();
            switch (left)
            {
                case IInstanceReferenceOperation:
                    return right is IInstanceReferenceOperation;
                case ILocalReferenceOperation local:
                    return right is ILocalReferenceOperation otherLocal && SymbolEqualityComparer.Default.Equals(local.Local, otherLocal.Local);
                case IParameterReferenceOperation parameter:
                    return right is IParameterReferenceOperation otherParameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter, otherParameter.Parameter);
                case IFieldReferenceOperation field:
                    return right is IFieldReferenceOperation otherField
                        && SymbolEqualityComparer.Default.Equals(field.Field, otherField.Field)
                        && SameReference(field.Instance, otherField.Instance);
                case IPropertyReferenceOperation property:
                    return right is IPropertyReferenceOperation otherProperty
                        && property.Arguments.Length == 0
                        && otherProperty.Arguments.Length == 0
                        && SymbolEqualityComparer.Default.Equals(property.Property, otherProperty.Property)
                        && SameReference(property.Instance, otherProperty.Instance);
                default:
                    return false;
            }
        }

        /// <summary>The receiver of a call: the instance, or the first argument of an extension method called as one.</summary>
        public static IOperation? Receiver(this IInvocationOperation invocation)
            => invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

        public static bool IsInNamespace(this ITypeSymbol type, string name)
        {
            string? actual = type.ContainingNamespace?.ToDisplayString();
            return actual == name || (actual is not null && actual.StartsWith(name + ".", System.StringComparison.Ordinal));
        }

        /// <summary>A short single-line rendering of the syntax for a diagnostic message.</summary>
        public static string Describe(this IOperation operation)
        {
            string text = CollapseWhitespace(operation.Syntax.ToString());
            return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
        }

        public static string CollapseWhitespace(string text)
        {
            var builder = new System.Text.StringBuilder(text.Length);
            bool space = false;
            foreach (char c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = true;
                    continue;
                }

                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                space = false;
                builder.Append(c);
            }

            return builder.ToString();
        }
    }
}
