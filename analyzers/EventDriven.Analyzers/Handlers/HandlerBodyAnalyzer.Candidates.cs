using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>
    /// The syntactic filter in front of the rules: which nodes of a handler are worth binding. Everything a rule can report has a
    /// recognizable shape (a call named Add, Wait or NewGuid, a member named Result or UtcNow, a compound assignment, an async
    /// lambda), so most of a handler's code is never bound by the analyzers at all.
    /// </summary>
    public sealed partial class HandlerBodyAnalyzer
    {
        private static readonly SyntaxKind[] CandidateKinds =
        [
            SyntaxKind.InvocationExpression,
            SyntaxKind.SimpleMemberAccessExpression,
            SyntaxKind.ElementAccessExpression,
            SyntaxKind.ObjectCreationExpression,
            SyntaxKind.ImplicitObjectCreationExpression,
            SyntaxKind.AddAssignmentExpression,
            SyntaxKind.SubtractAssignmentExpression,
            SyntaxKind.MultiplyAssignmentExpression,
            SyntaxKind.DivideAssignmentExpression,
            SyntaxKind.ModuloAssignmentExpression,
            SyntaxKind.ExclusiveOrAssignmentExpression,
            SyntaxKind.LeftShiftAssignmentExpression,
            SyntaxKind.RightShiftAssignmentExpression,
            SyntaxKind.UnsignedRightShiftAssignmentExpression,
            SyntaxKind.PreIncrementExpression,
            SyntaxKind.PreDecrementExpression,
            SyntaxKind.PostIncrementExpression,
            SyntaxKind.PostDecrementExpression,
            SyntaxKind.SimpleAssignmentExpression,
            SyntaxKind.ParenthesizedLambdaExpression,
            SyntaxKind.SimpleLambdaExpression,
            SyntaxKind.AnonymousMethodExpression,
            SyntaxKind.LocalFunctionStatement,
        ];

        /// <summary>Names of calls any rule looks at (the accumulating names are checked separately, with their Async forms).</summary>
        private static readonly ImmutableHashSet<string> s_interestingCalls = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "AppendAllText", "AppendAllTextAsync", "AppendAllLines", "AppendAllLinesAsync", "AppendAllBytes", "AppendAllBytesAsync", "AppendText", "Open",
            "ExecuteNonQuery", "ExecuteNonQueryAsync", "Execute", "ExecuteAsync",
            "TryAdd", "Contains", "ContainsKey", "TryGetValue", "GetOrAdd", "AddOrUpdate",
            "Wait", "WaitAll", "WaitAny", "GetResult", "Sleep",
            "NewGuid", "CreateVersion7", "GetUtcNow", "GetLocalNow",
            "SendAsync");

        /// <summary>Names of calls that may be a deduplication check or record.</summary>
        private static readonly ImmutableHashSet<string> s_deduplicationCalls = ImmutableHashSet.Create(
            StringComparer.Ordinal, "Add", "TryAdd", "Contains", "ContainsKey", "TryGetValue", "GetOrAdd", "AddOrUpdate");

        private enum Candidate
        {
            None,
            Operation,

            /// <summary>Any other call: bound only inside handlers, to follow it into the source it delegates to (ED0004).</summary>
            Call,
            Write,
            Creation,
            AsyncFunction,
        }

        private static Candidate Classify(SyntaxNode node)
        {
            switch (node)
            {
                case InvocationExpressionSyntax invocation:
                    string? name = CalleeName(invocation.Expression);
                    return name is not null
                        && (s_interestingCalls.Contains(name) || IsAccumulatingName(name) || SyncCallsWithAsyncTwins.Contains(name)
                            || name.StartsWith("Post", StringComparison.Ordinal) || name.StartsWith("Write", StringComparison.Ordinal))
                        ? Candidate.Operation
                        : name is not null ? Candidate.Call : Candidate.None;
                case MemberAccessExpressionSyntax access:
                    return access.Name.Identifier.ValueText is "Result" or "Now" or "UtcNow" or "Today"
                        && !(access.Parent is InvocationExpressionSyntax call && call.Expression == access)
                        ? Candidate.Operation
                        : Candidate.None;
                case ElementAccessExpressionSyntax element:
                    return element.ArgumentList.Arguments.Any(static a => MentionsId(a.Expression)) ? Candidate.Operation : Candidate.None;
                case ObjectCreationExpressionSyntax creation:
                    return RightmostName(creation.Type) is "FileStream" or "StreamWriter" ? Candidate.Operation : Candidate.Creation;
                case ImplicitObjectCreationExpressionSyntax:
                    return Candidate.Creation;
                case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    return IsGrowingValue(assignment.Right) ? Candidate.Write : Candidate.None;
                case AssignmentExpressionSyntax:
                case PrefixUnaryExpressionSyntax:
                case PostfixUnaryExpressionSyntax:
                    return Candidate.Write;
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) ? Candidate.AsyncFunction : Candidate.None;
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword) ? Candidate.AsyncFunction : Candidate.None;
                default:
                    return Candidate.None;
            }
        }

        private static string? CalleeName(ExpressionSyntax expression) => expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        private static string? RightmostName(TypeSyntax type) => type switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        /// <summary>A call or indexer that may record or check an event id: the shape ED0005 looks for.</summary>
        private static bool IsDeduplicationShape(SyntaxNode node) => node switch
        {
            InvocationExpressionSyntax invocation => CalleeName(invocation.Expression) is { } name && s_deduplicationCalls.Contains(name)
                && invocation.ArgumentList.Arguments.Any(static a => MentionsId(a.Expression)),
            ElementAccessExpressionSyntax element => element.ArgumentList.Arguments.Any(static a => MentionsId(a.Expression)),
            _ => false,
        };

        private static bool MentionsId(ExpressionSyntax expression) => expression switch
        {
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Id" } => true,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToString", Expression: var inner } } => MentionsId(inner),
            ParenthesizedExpressionSyntax parenthesized => MentionsId(parenthesized.Expression),
            _ => false,
        };

        /// <summary><c>x + e</c>-shaped values and <c>list.Add(e)</c>: what <c>x = x + e</c> and <c>list = list.Add(e)</c> assign.</summary>
        private static bool IsGrowingValue(ExpressionSyntax value)
        {
            while (value is ParenthesizedExpressionSyntax parenthesized)
            {
                value = parenthesized.Expression;
            }

            return value switch
            {
                BinaryExpressionSyntax binary => binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
                    or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression or SyntaxKind.ExclusiveOrExpression or SyntaxKind.LeftShiftExpression
                    or SyntaxKind.RightShiftExpression or SyntaxKind.UnsignedRightShiftExpression,
                InvocationExpressionSyntax invocation => CalleeName(invocation.Expression) is { } name && IsAccumulatingName(name),
                _ => false,
            };
        }

        /// <summary>
        /// Whether a creation may be of an event whose Id or OccurredAt property initializer is non-deterministic: looked up by the
        /// created type's name in the declaration table (no binding), once per name and compilation.
        /// </summary>
        private static bool MayCreateEventWithRandomDefaults(SyntaxNode creation, WellKnownTypes types, ConcurrentDictionary<string, bool> cache)
        {
            if (creation is not ObjectCreationExpressionSyntax { Type: var typeSyntax } || RightmostName(typeSyntax) is not { } name)
            {
                return true;
            }

            return cache.GetOrAdd(name, n => types.Compilation.GetSymbolsWithName(n, SymbolFilter.Type)
                .OfType<INamedTypeSymbol>()
                .Any(t => t.IsEvent(types) && HasRandomDefault(t, types)));
        }

        private static bool HasRandomDefault(INamedTypeSymbol type, WellKnownTypes types)
        {
            foreach (string member in new[] { IdMember, TimeMember })
            {
                if (types.Event.GetMembers(member).FirstOrDefault() is IPropertySymbol contract
                    && type.FindImplementationForInterfaceMember(contract) is IPropertySymbol implementation
                    && InitializerDescription(implementation) is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
