using System.Linq;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>
    /// ED0004 for the way EF Core handlers really write: load an entity, change it relative to itself, save the context.
    /// <c>var item = await db.Items.FindAsync(id); item.Stock -= quantity; await db.SaveChangesAsync();</c> decrements the stock
    /// again on every redelivery, though the only durable state it names directly is the context.
    /// </summary>
    public sealed partial class HandlerBodyAnalyzer
    {
        /// <summary>
        /// The accumulating write of <paramref name="write"/> when it changes a member of a local loaded from held state (a field,
        /// property or captured parameter: a DbContext, a repository) and the same method saves that state with
        /// <c>SaveChanges(Async)</c>; null otherwise.
        /// </summary>
        private static string? LoadedEntityAccumulation(IOperation write)
        {
            IOperation? target = write switch
            {
                ICompoundAssignmentOperation compound when IsAccumulatingOperator(compound.OperatorKind) => compound.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                ISimpleAssignmentOperation assignment when ReadsAndGrows(assignment.Value.Unwrap(), assignment.Target) => assignment.Target,
                _ => null,
            };
            IOperation? instance = target?.Unwrap() switch
            {
                IPropertyReferenceOperation property => property.Instance,
                IFieldReferenceOperation field => field.Instance,
                _ => null,
            };
            if (instance?.Unwrap() is not ILocalReferenceOperation { Local: var entity })
            {
                return null;
            }

            IOperation? loadedFrom = null;
            IInvocationOperation? save = null;
            foreach (IOperation node in Root(write).Descendants())
            {
                switch (node)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, entity) && declarator.Initializer is { } initializer:
                        loadedFrom ??= HeldSource(initializer.Value);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } assignment when SymbolEqualityComparer.Default.Equals(assigned.Local, entity):
                        loadedFrom ??= HeldSource(assignment.Value);
                        break;
                    case IInvocationOperation { TargetMethod.Name: "SaveChanges" or "SaveChangesAsync" } saving when saving.Receiver()?.IsDurable() == true:
                        save ??= saving;
                        break;
                }
            }

            return loadedFrom is not null && save is not null
                ? "'" + write.Describe() + "' changes '" + entity.Name + "', loaded from '" + loadedFrom.Describe() + "', relative to itself, and '" + save.Describe() + "' saves it"
                : null;
        }

        /// <summary>The held state a value was read from: through awaits and calls (<c>db.Items.Where(...).SingleAsync()</c>) to a durable root.</summary>
        private static IOperation? HeldSource(IOperation value)
        {
            IOperation? current = value.Unwrap();
            for (int hops = 0; current is not null && hops < 16; hops++)
            {
                switch (current)
                {
                    case IAwaitOperation awaited:
                        current = awaited.Operation.Unwrap();
                        continue;
                    case IInvocationOperation invocation:
                        current = invocation.Receiver()?.Unwrap();
                        continue;
                    case IFieldReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation when current.IsDurable():
                        return current;
                    case IPropertyReferenceOperation { Instance: { } holder }:
                        current = holder.Unwrap(); // db.Items.Find: the set is a property of the held context
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// <c>client.SendAsync(new HttpRequestMessage(HttpMethod.Post, ...))</c> (inline or through a local): a POST the other side
        /// receives once per delivery, as <c>PostAsync</c> is; null for any other method.
        /// </summary>
        private static string? HttpPostSendOf(IInvocationOperation invocation, WellKnownTypes types)
        {
            if (invocation.TargetMethod.Name is not ("SendAsync" or "Send") || !IsHttpClientCall(invocation, types) || invocation.Arguments.Length == 0)
            {
                return null;
            }

            IOperation request = invocation.Arguments[0].Value.Unwrap();
            if (request is ILocalReferenceOperation local)
            {
                request = Root(invocation).Descendants().OfType<IVariableDeclaratorOperation>()
                    .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local))?.Initializer?.Value.Unwrap() ?? request;
            }

            return request is IObjectCreationOperation creation
                && creation.Arguments.Any(static a => a.Value.Unwrap() is IPropertyReferenceOperation { Property.Name: "Post", Property.ContainingType.Name: "HttpMethod" })
                ? "'" + invocation.Describe() + "' sends an HTTP POST"
                : null;
        }
    }
}
