using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>ED0004: effects that accumulate, so that handling an event twice is not the same as handling it once.</summary>
    public sealed partial class HandlerBodyAnalyzer
    {
        /// <summary>Calls that add to what their receiver holds (each also with an <c>Async</c> suffix).</summary>
        private static readonly ImmutableHashSet<string> s_accumulatingMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "Add", "AddRange", "AddFirst", "AddLast",
            "Append", "AppendLine", "AppendFormat", "AppendJoin",
            "Insert", "InsertRange", "InsertOne", "InsertMany",
            "Enqueue", "Push", "PushRange",
            "Increment", "Decrement");

        private static readonly ImmutableHashSet<string> s_fileAppendMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "AppendAllText", "AppendAllTextAsync", "AppendAllLines", "AppendAllLinesAsync", "AppendAllBytes", "AppendAllBytesAsync", "AppendText");

        /// <summary>Compound assignments, increments and self-referencing assignments to durable state; null when not accumulating.</summary>
        private static string? AccumulationOf(IOperation operation)
        {
            switch (operation)
            {
                case ICompoundAssignmentOperation compound when IsAccumulatingOperator(compound.OperatorKind) && compound.Target.IsDurable():
                    return "'" + compound.Describe() + "' accumulates into state that outlives the call";
                case IIncrementOrDecrementOperation increment when increment.Target.IsDurable():
                    return "'" + increment.Describe() + "' accumulates into state that outlives the call";
                case ISimpleAssignmentOperation assignment when assignment.Target.IsDurable() && ReadsAndGrows(assignment.Value.Unwrap(), assignment.Target):
                    return "'" + assignment.Describe() + "' accumulates into state that outlives the call";
                default:
                    return null;
            }
        }

        /// <summary><c>x = x + e</c> and <c>list = list.Add(e)</c> (immutable collections): a compound assignment in disguise.</summary>
        private static bool ReadsAndGrows(IOperation value, IOperation target) => value switch
        {
            IBinaryOperation binary => IsAccumulatingOperator(binary.OperatorKind)
                && (OperationFacts.SameReference(binary.LeftOperand, target) || OperationFacts.SameReference(binary.RightOperand, target)),
            IInvocationOperation invocation => IsAccumulatingName(invocation.TargetMethod.Name) && OperationFacts.SameReference(invocation.Receiver(), target),
            _ => false,
        };

        /// <summary>
        /// Not accumulating: <c>|=</c>, <c>&amp;=</c> and <c>??=</c> give the same result when repeated, so they are left alone.
        /// </summary>
        private static bool IsAccumulatingOperator(BinaryOperatorKind kind) => kind is
            BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide
            or BinaryOperatorKind.Remainder or BinaryOperatorKind.ExclusiveOr or BinaryOperatorKind.LeftShift
            or BinaryOperatorKind.RightShift or BinaryOperatorKind.UnsignedRightShift;

        private static bool IsAccumulatingName(string name)
            => s_accumulatingMethods.Contains(name)
                || (name.EndsWith("Async", StringComparison.Ordinal) && s_accumulatingMethods.Contains(name.Substring(0, name.Length - "Async".Length)));

        /// <summary>Calls that accumulate: on a durable collection or counter, through Interlocked, or through I/O that appends.</summary>
        private static string? AccumulationOf(IInvocationOperation invocation, WellKnownTypes types)
        {
            IMethodSymbol method = invocation.TargetMethod;
            INamedTypeSymbol? owner = method.ContainingType;
            if (owner is null)
            {
                return null;
            }

            if (SymbolEqualityComparer.Default.Equals(owner, types.Interlocked))
            {
                return method.Name is "Increment" or "Decrement" or "Add"
                    && invocation.Arguments.Length > 0
                    && invocation.Arguments[0].Value.IsDurable()
                    ? "'" + invocation.Describe() + "' accumulates into state that outlives the call"
                    : null;
            }

            if (SymbolEqualityComparer.Default.Equals(owner, types.File))
            {
                return s_fileAppendMethods.Contains(method.Name) ? "'" + invocation.Describe() + "' appends to a file"
                    : method.Name == "Open" && OpensForAppend(invocation.Arguments, types) ? "'" + invocation.Describe() + "' opens a file for appending"
                    : null;
            }

            if (SqlOf(invocation, types) is { } sql && Sql.Accumulates(sql))
            {
                return "'" + invocation.Describe() + "' runs '" + Shorten(sql) + "'";
            }

            if (method.Name.StartsWith("Post", StringComparison.Ordinal) && IsHttpClientCall(invocation, types))
            {
                return "'" + invocation.Describe() + "' sends an HTTP POST";
            }

            IOperation? receiver = invocation.Receiver();
            if (receiver is null || !receiver.IsDurable() || receiver.Type is not { } receiverType)
            {
                return null;
            }

            if (method.Name.StartsWith("Write", StringComparison.Ordinal) && receiverType.InheritsFromOrEquals(types.Stream))
            {
                return "'" + invocation.Describe() + "' writes to a stream that outlives the call";
            }

            return IsAccumulatingName(method.Name) && !IsExemptReceiver(receiverType, method, types)
                ? "'" + invocation.Describe() + "' accumulates into state that outlives the call"
                : null;
        }

        /// <summary>
        /// Receivers whose Add/Insert do not accumulate: keyed collections (a set or a dictionary cannot take the same key twice), metrics
        /// instruments (counting attempts is their job), immutable and read-only values (their Add returns a new value), LINQ.
        /// </summary>
        private static bool IsExemptReceiver(ITypeSymbol receiver, IMethodSymbol method, WellKnownTypes types)
            => receiver.SpecialType == SpecialType.System_String
                || receiver is { IsValueType: true, IsReadOnly: true }
                || receiver.Implements(types.SetOfT)
                || receiver.Implements(types.ReadOnlySetOfT)
                || receiver.Implements(types.DictionaryOfKV)
                || receiver.Implements(types.ReadOnlyDictionaryOfKV)
                || receiver.IsInNamespace("System.Diagnostics.Metrics")
                || receiver.IsInNamespace("System.Collections.Immutable")
                || (method.ContainingType is { } owner && (owner.IsInNamespace("System.Linq") || owner.IsInNamespace("System.Collections.Immutable")));

        /// <summary>ED0004 for <c>new FileStream(path, FileMode.Append)</c> and <c>new StreamWriter(path, append: true)</c>.</summary>
        private static string? FileAppendOf(IObjectCreationOperation creation, WellKnownTypes types)
        {
            if (creation.Type is not { } created)
            {
                return null;
            }

            if (created.InheritsFromOrEquals(types.FileStream) && OpensForAppend(creation.Arguments, types))
            {
                return "'" + creation.Describe() + "' opens a file for appending";
            }

            if (created.InheritsFromOrEquals(types.StreamWriter)
                && creation.Arguments.Any(static a => a.Parameter is { Name: "append" } && a.Value.ConstantValue is { HasValue: true, Value: true }))
            {
                return "'" + creation.Describe() + "' opens a file for appending";
            }

            return null;
        }

        private static bool OpensForAppend(ImmutableArray<IArgumentOperation> arguments, WellKnownTypes types)
            => arguments.Any(a => SymbolEqualityComparer.Default.Equals(a.Value.Type, types.FileMode)
                && a.Value.ConstantValue is { HasValue: true, Value: int mode }
                && mode == 6 /* FileMode.Append */);

        private static bool IsHttpClientCall(IInvocationOperation invocation, WellKnownTypes types)
            => types.HttpClient is not null && invocation.Receiver()?.Type.InheritsFromOrEquals(types.HttpClient) == true;

        /// <summary>
        /// The SQL a call runs, when it is a constant: <c>command.ExecuteNonQuery()</c> (its CommandText, set in this method or in the
        /// command's creation) or <c>connection.Execute("...")</c> in the style of Dapper.
        /// </summary>
        private static string? SqlOf(IInvocationOperation invocation, WellKnownTypes types)
        {
            IMethodSymbol method = invocation.TargetMethod;
            IOperation? receiver = invocation.Receiver();
            if (receiver?.Type is not { } receiverType)
            {
                return null;
            }

            if (method.Name is "Execute" or "ExecuteAsync" && receiverType.Implements(types.DbConnection))
            {
                return string.Join(" ", invocation.Arguments.Select(static a => a.Value.ConstantValue).Where(static c => c is { HasValue: true, Value: string }).Select(static c => (string)c.Value!));
            }

            if (method.Name is not ("ExecuteNonQuery" or "ExecuteNonQueryAsync") || !receiverType.Implements(types.DbCommand))
            {
                return null;
            }

            var texts = new List<string>();
            switch (receiver.Unwrap())
            {
                case IObjectCreationOperation creation:
                    AddCreationTexts(creation, texts);
                    break;
                case ILocalReferenceOperation local:
                    IOperation root = Root(invocation);
                    foreach (IOperation node in root.Descendants())
                    {
                        switch (node)
                        {
                            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "CommandText" } target } assignment
                                when target.Instance?.ReferencedSymbol() is ILocalSymbol assigned && SymbolEqualityComparer.Default.Equals(assigned, local.Local):
                                AddConstant(assignment.Value, texts);
                                break;
                            case IVariableDeclaratorOperation declarator
                                when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local) && declarator.Initializer?.Value.Unwrap() is IObjectCreationOperation creation:
                                AddCreationTexts(creation, texts);
                                break;
                        }
                    }

                    break;
            }

            return texts.Count == 0 ? null : string.Join(" ", texts);
        }

        private static void AddCreationTexts(IObjectCreationOperation creation, List<string> texts)
        {
            foreach (IArgumentOperation argument in creation.Arguments)
            {
                AddConstant(argument.Value, texts);
            }

            if (creation.Initializer is { } initializer)
            {
                foreach (IOperation member in initializer.Initializers)
                {
                    if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "CommandText" } } assignment)
                    {
                        AddConstant(assignment.Value, texts);
                    }
                }
            }
        }

        private static void AddConstant(IOperation value, List<string> texts)
        {
            if (value.ConstantValue is { HasValue: true, Value: string text })
            {
                texts.Add(text);
            }
        }

        private static IOperation Root(IOperation operation)
        {
            while (operation.Parent is { } parent)
            {
                operation = parent;
            }

            return operation;
        }

        private static string Shorten(string sql)
        {
            sql = OperationFacts.CollapseWhitespace(sql.Trim());
            return sql.Length <= 40 ? sql : sql.Substring(0, 37) + "...";
        }

        /// <summary>The SQL patterns, in their own class so the regular expressions are built only when a command is seen.</summary>
        private static class Sql
        {
            /// <summary>An INSERT, or an UPDATE that adds to a column (<c>SET n = n + 1</c>).</summary>
            private static readonly Regex s_accumulating = new(
                @"\bINSERT\s+INTO\b|\bSET\s+(?<c>[\w\[\]""`]+)\s*=\s*\k<c>\s*[-+]",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

            /// <summary>
            /// Upserts and insert-if-absent (<c>ON CONFLICT</c>, <c>INSERT OR IGNORE/REPLACE</c>, <c>INSERT IGNORE</c>,
            /// <c>ON DUPLICATE KEY</c>, <c>WHERE NOT EXISTS</c>, <c>MERGE</c>): what idempotent SQL looks like, so they pass.
            /// </summary>
            private static readonly Regex s_idempotent = new(
                @"\bON\s+CONFLICT\b|\bINSERT\s+OR\s+(IGNORE|REPLACE)\b|\bON\s+DUPLICATE\s+KEY\b|\bWHERE\s+NOT\s+EXISTS\b|\bMERGE\b|\bINSERT\s+IGNORE\b",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

            public static bool Accumulates(string sql) => s_accumulating.IsMatch(sql) && !s_idempotent.IsMatch(sql);
        }
    }
}
