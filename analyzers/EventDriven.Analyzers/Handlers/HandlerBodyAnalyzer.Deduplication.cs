using System.Collections.Generic;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>ED0005: a collection of processed event ids kept in the handler's memory.</summary>
    public sealed partial class HandlerBodyAnalyzer
    {
        /// <summary>
        /// The field, property or captured parameter holding the collection when <paramref name="receiver"/> is a durable in-memory
        /// collection (it implements <c>IEnumerable&lt;T&gt;</c>) and one of <paramref name="arguments"/> is an event's <c>Id</c>.
        /// A service that is not a collection (a durable inbox, a repository) passes, whatever its methods are called.
        /// </summary>
        private static ISymbol? DeduplicationStore(IOperation? receiver, IEnumerable<IOperation> arguments, WellKnownTypes types)
        {
            if (receiver is null)
            {
                return null;
            }

            // The event-id test is the cheap one and almost always false, so it goes first.
            foreach (IOperation argument in arguments)
            {
                if (IsEventId(argument, types))
                {
                    return receiver.IsDurable() && receiver.Type is { } collection && collection.Implements(types.EnumerableOfT)
                        ? receiver.Unwrap() switch
                        {
                            IFieldReferenceOperation field => field.Field,
                            IPropertyReferenceOperation property => property.Property,
                            IParameterReferenceOperation parameter => parameter.Parameter,
                            _ => null,
                        }
                        : null;
                }
            }

            return null;
        }

        /// <summary><c>e.Id</c> (or <c>e.Id.ToString()</c>) where <c>e</c> is an event: the property that implements <c>IEvent.Id</c>.</summary>
        private static bool IsEventId(IOperation operation, WellKnownTypes types)
        {
            operation = operation.Unwrap();
            if (operation is IInvocationOperation { TargetMethod.Name: "ToString", Instance: { } instance })
            {
                operation = instance.Unwrap();
            }

            return operation is IPropertyReferenceOperation { Property: { Name: "Id" } property }
                && SymbolEqualityComparer.Default.Equals(property.Type, types.Guid)
                && (property.ContainingType.IsEvent(types) || SymbolEqualityComparer.Default.Equals(property.ContainingType, types.Event));
        }
    }
}
