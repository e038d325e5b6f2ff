using System.Diagnostics.Metrics;
using System.Text.Json.Serialization.Metadata;
using EventDriven;
using EventDriven.Sagas;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers sagas in a service collection.</summary>
public static class SagaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="SagaRuntime{TState}"/> of saga <typeparamref name="TSaga"/> (a singleton, named after the class) and a
    /// hosted service that resumes its open instances when the host starts and flushes its saves when the host stops, and a receipt
    /// barrier (<see cref="EventDriven.Transport.IReceiptBarrier"/>): a broker's message that moved a saga is acknowledged only once the
    /// step's state is committed, however it is written (<see cref="SagaOptions.Durability"/>). The saga class
    /// itself is an <c>[EventHandler]</c>: <c>AddEventDriven()</c> registers it. An <see cref="ISagaStore"/> must be registered too
    /// (<c>AddSqliteSagaStore(path)</c>, or <see cref="InMemorySagaStore"/> for tests); a <see cref="TimeProvider"/> is used if registered.
    /// </summary>
    /// <typeparam name="TSaga">The user's saga class; its name becomes <see cref="SagaDefinition{TState}.Name"/> unless <paramref name="define"/> changes it.</typeparam>
    /// <typeparam name="TState">The saga's state class. One saga per state class.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="stateTypeInfo">Serializes the state, e.g. <c>ShopJsonContext.Default.OrderSagaState</c>.</param>
    /// <param name="define">Declares the saga's steps.</param>
    /// <param name="configure">Adjusts <see cref="SagaOptions"/>.</param>
    public static IServiceCollection AddSaga<TSaga, TState>(
        this IServiceCollection services,
        JsonTypeInfo<TState> stateTypeInfo,
        Action<SagaDefinition<TState>> define,
        Action<SagaOptions>? configure = null)
        where TSaga : class
        where TState : class, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(stateTypeInfo);
        ArgumentNullException.ThrowIfNull(define);

        var definition = new SagaDefinition<TState>(typeof(TSaga).Name);
        define(definition);
        definition.Validate();
        var options = new SagaOptions();
        configure?.Invoke(options);
        options.Validate();

        services.TryAddSingleton(sp => new SagaRuntime<TState>(
            definition,
            stateTypeInfo,
            sp.GetService<ISagaStore>() ?? throw new InvalidOperationException($"Saga '{definition.Name}' needs an ISagaStore: call services.AddSqliteSagaStore(path) (EventDriven.Sqlite) or register EventDriven.Sagas.InMemorySagaStore for tests."),
            sp.GetRequiredService<IEventBus>(),
            options,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("EventDriven.Sagas." + definition.Name),
            sp.GetService<IMeterFactory>(),
            sp.GetService<EventDrivenOptions>()?.StreamSelector));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISagaRuntime, SagaRuntime<TState>>(static sp => sp.GetRequiredService<SagaRuntime<TState>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<EventDriven.Transport.IReceiptBarrier, SagaReceiptBarrier>(
            static sp => new SagaReceiptBarrier(sp.GetRequiredService<ISagaStore>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SagaHostedService<TState>>(
            static sp => new SagaHostedService<TState>(sp.GetRequiredService<SagaRuntime<TState>>())));
        return services;
    }
}
