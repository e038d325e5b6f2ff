using System.Collections.Immutable;
using System.Linq;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>ED0007 (blocking a consumer thread) and ED0008 (async void work that the bus cannot await).</summary>
    public sealed partial class HandlerBodyAnalyzer
    {
        /// <summary>Diagnostic property: which blocking form, for the code fix.</summary>
        internal const string BlockingKindProperty = "BlockingKind";

        internal const string ResultKind = "Result";
        internal const string WaitKind = "Wait";
        internal const string GetResultKind = "GetResult";
        internal const string SleepKind = "Sleep";
        internal const string SyncKind = "Sync";

        /// <summary>
        /// Synchronous calls that, in async code, usually have an awaitable twin named with <c>Async</c>: EF Core's <c>Find</c> and
        /// <c>SaveChanges</c>, ADO.NET's <c>Execute*</c>, <c>Open</c>, <c>Read</c>, Dapper's <c>Query*</c>/<c>Execute</c>, stream and
        /// transaction calls. Only reported when the twin really exists on the same type (or its bases).
        /// </summary>
        internal static readonly ImmutableHashSet<string> SyncCallsWithAsyncTwins = ImmutableHashSet.Create(
            System.StringComparer.Ordinal,
            "Find", "SaveChanges", "ExecuteNonQuery", "ExecuteReader", "ExecuteScalar", "Execute",
            "Query", "QueryFirst", "QueryFirstOrDefault", "QuerySingle", "QuerySingleOrDefault", "QueryMultiple",
            "Open", "Read", "ReadToEnd", "ReadLine", "Flush", "Commit", "Rollback", "Send", "CopyTo");

        /// <summary><c>task.Wait()</c>, <c>Task.WaitAll/WaitAny</c>, <c>x.GetAwaiter().GetResult()</c>, <c>Thread.Sleep</c>.</summary>
        private static Diagnostic? BlockingCall(IInvocationOperation invocation, WellKnownTypes types)
        {
            IMethodSymbol method = invocation.TargetMethod;
            string? kind = null;
            string? shown = null;
            if (method.Name == "Sleep" && method.IsStatic && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Thread))
            {
                (kind, shown) = (SleepKind, "Thread.Sleep");
            }
            else if (method.Name is "Wait" && !method.IsStatic && IsTask(method.ContainingType, types))
            {
                if (!WasCompletedBefore(invocation.Instance, invocation))
                {
                    (kind, shown) = (WaitKind, ".Wait()");
                }
            }
            else if (method.Name is "WaitAll" or "WaitAny" && method.IsStatic && IsTask(method.ContainingType, types))
            {
                (kind, shown) = (WaitKind, "Task." + method.Name);
            }
            else if (method.Name == "GetResult"
                && method.ContainingType is { } awaiter
                && awaiter.Name.EndsWith("Awaiter", System.StringComparison.Ordinal)
                && awaiter.IsInNamespace("System.Runtime.CompilerServices")
                && invocation.Instance?.Unwrap() is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter
                && !WasCompletedBefore(TaskOf(getAwaiter.Instance), invocation))
            {
                (kind, shown) = (GetResultKind, "GetAwaiter().GetResult()");
            }

            return kind is null || RunsElsewhere(invocation) ? null : Diagnostic.Create(
                DiagnosticDescriptors.BlockingCall,
                invocation.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(BlockingKindProperty, kind),
                shown);
        }

        /// <summary>
        /// A synchronous call inside an async function of a handler whose type offers the same call as <c>...Async</c> (EF's
        /// <c>Find</c>, <c>SaveChanges</c>, ADO's <c>ExecuteNonQuery</c>...): it blocks the consumer thread for the I/O.
        /// </summary>
        private static Diagnostic? SyncCallWithAsyncTwin(IInvocationOperation invocation)
        {
            IMethodSymbol method = invocation.TargetMethod;
            if (!SyncCallsWithAsyncTwins.Contains(method.Name)
                || (method.IsStatic && !method.IsExtensionMethod)
                || !IsInAsyncFunction(invocation.Syntax)
                || RunsElsewhere(invocation)
                || AsyncTwin(method) is null)
            {
                return null;
            }

            return Diagnostic.Create(
                DiagnosticDescriptors.BlockingCall,
                invocation.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(BlockingKindProperty, SyncKind),
                method.ContainingType.Name + "." + method.Name + "(...)");
        }

        /// <summary>A method named like <paramref name="method"/> plus <c>Async</c>, on its type or a base type, taking at least its parameters.</summary>
        private static IMethodSymbol? AsyncTwin(IMethodSymbol method)
        {
            string name = method.Name + "Async";
            for (ITypeSymbol? type = method.ContainingType; type is not null; type = type.BaseType)
            {
                foreach (ISymbol member in type.GetMembers(name))
                {
                    if (member is IMethodSymbol twin && twin.IsStatic == method.IsStatic && twin.Parameters.Length >= method.Parameters.Length)
                    {
                        return twin;
                    }
                }
            }

            return null;
        }

        /// <summary>Whether the code runs in an <c>async</c> method, local function or lambda (where awaiting is one keyword away); the code fix asks too.</summary>
        internal static bool IsInAsyncFunction(SyntaxNode node)
        {
            foreach (SyntaxNode ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax lambda:
                        return lambda.AsyncKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AsyncKeyword);
                    case LocalFunctionStatementSyntax local:
                        return local.Modifiers.Any(static m => m.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AsyncKeyword));
                    case MethodDeclarationSyntax declaration:
                        return declaration.Modifiers.Any(static m => m.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AsyncKeyword));
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        /// <summary><c>task.Result</c> on a <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c> not known to be complete.</summary>
        private static Diagnostic? BlockingResult(IPropertyReferenceOperation reference, WellKnownTypes types)
        {
            if (reference.Property.Name != "Result" || reference.Property.IsStatic || !IsTask(reference.Property.ContainingType, types)
                || WasCompletedBefore(reference.Instance, reference) || RunsElsewhere(reference))
            {
                return null;
            }

            return Diagnostic.Create(
                DiagnosticDescriptors.BlockingCall,
                reference.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(BlockingKindProperty, ResultKind),
                ".Result");
        }

        private static bool IsTask(ITypeSymbol? type, WellKnownTypes types)
            => type is not null
                && (type.InheritsFromOrEquals(types.Task) || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, types.ValueTask)
                    || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, types.ValueTaskOfT));

        /// <summary>The task behind <c>task.ConfigureAwait(false)</c>, or the operation itself.</summary>
        private static IOperation? TaskOf(IOperation? operation)
            => operation?.Unwrap() is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } task } ? task.Unwrap() : operation?.Unwrap();

        /// <summary>
        /// True when <paramref name="task"/> is a lambda's parameter (a continuation gets a finished task), or a local, parameter or field
        /// that the same body awaited (directly or through <c>Task.WhenAll/WhenAny</c>) or checked with <c>IsCompleted*</c> before
        /// <paramref name="use"/>: reading the result of a finished task does not block.
        /// </summary>
        private static bool WasCompletedBefore(IOperation? task, IOperation use)
        {
            ISymbol? symbol = task?.ReferencedSymbol();
            if (symbol is null)
            {
                return false;
            }

            if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } })
            {
                return true;
            }

            int position = use.Syntax.SpanStart;
            foreach (IOperation node in Root(use).Descendants())
            {
                if (node.Syntax.SpanStart >= position)
                {
                    continue;
                }

                switch (node)
                {
                    case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" or "Status" } check
                        when SymbolEqualityComparer.Default.Equals(check.Instance?.ReferencedSymbol(), symbol):
                        return true;
                    case IAwaitOperation awaited when Awaits(awaited.Operation, symbol):
                        return true;
                }
            }

            return false;
        }

        private static bool Awaits(IOperation awaited, ISymbol symbol)
        {
            IOperation? task = TaskOf(awaited);
            if (SymbolEqualityComparer.Default.Equals(task?.ReferencedSymbol(), symbol))
            {
                return true;
            }

            return task is IInvocationOperation { TargetMethod.Name: "WhenAll" or "WhenAny" } whenAll
                && whenAll.Descendants().Any(d => SymbolEqualityComparer.Default.Equals(d.ReferencedSymbol(), symbol));
        }

        /// <summary>Code in a lambda handed to <c>Task.Run</c>, <c>StartNew</c>, <c>ContinueWith</c> or the thread pool runs on another thread.</summary>
        private static bool RunsElsewhere(IOperation operation)
        {
            for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    for (IOperation? outer = current.Parent; outer is not null; outer = outer.Parent)
                    {
                        if (outer is IInvocationOperation { TargetMethod.Name: "Run" or "StartNew" or "ContinueWith" or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" })
                        {
                            return true;
                        }

                        if (outer is IBlockOperation or IExpressionStatementOperation)
                        {
                            break;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>ED0008 for an <c>async</c> lambda or local function that returns void, unless it has the (object, EventArgs) shape of a .NET event handler.</summary>
        private static Diagnostic? AsyncVoidFunction(SyntaxNode node, SemanticModel model, WellKnownTypes types, System.Threading.CancellationToken cancellationToken)
        {
            (IMethodSymbol? symbol, Location? location) = node switch
            {
                AnonymousFunctionExpressionSyntax lambda => (model.GetSymbolInfo(lambda, cancellationToken).Symbol as IMethodSymbol, lambda.AsyncKeyword.GetLocation()),
                LocalFunctionStatementSyntax local => (model.GetDeclaredSymbol(local, cancellationToken) as IMethodSymbol, local.Identifier.GetLocation()),
                _ => (null, null),
            };

            return symbol is { IsAsync: true, ReturnsVoid: true } && !IsEventHandlerShape(symbol, types)
                ? Diagnostic.Create(DiagnosticDescriptors.AsyncVoid, location, symbol.MethodKind == MethodKind.AnonymousFunction ? "async lambda" : symbol.Name)
                : null;
        }

        private static Diagnostic? AsyncVoidMethod(IMethodSymbol method, WellKnownTypes types)
            => method is { IsAsync: true, ReturnsVoid: true, MethodKind: MethodKind.Ordinary } && !IsEventHandlerShape(method, types)
                ? Diagnostic.Create(DiagnosticDescriptors.AsyncVoid, method.Locations.FirstOrDefault(), method.Name)
                : null;

        private static bool IsEventHandlerShape(IMethodSymbol method, WellKnownTypes types)
            => method.Parameters.Length == 2
                && method.Parameters[0].Type.SpecialType == SpecialType.System_Object
                && method.Parameters[1].Type.InheritsFromOrEquals(types.EventArgs);
    }
}
