using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Benchmarks.Peers;

/// <summary>
/// How each peer is set up, as its documentation shows. Kept apart because Mediator and MassTransit both name their registration
/// method <c>AddMediator</c> on <see cref="IServiceCollection"/>; each is called through its own class here.
/// </summary>
public static class PeerRegistrations
{
    /// <summary>Mediator 3.0.2: its source generator finds the handlers and writes the registrations; singleton handlers, the default publisher (foreach-await).</summary>
    public static void AddMediator(IServiceCollection services)
        => MediatorDependencyInjectionExtensions.AddMediator(services, (global::Mediator.MediatorOptions options) => options.ServiceLifetime = ServiceLifetime.Singleton);

    /// <summary>
    /// MediatR 5.1.0 predates its DI package (the versions of MediatR.Extensions.Microsoft.DependencyInjection served here do not
    /// restore), so handlers are registered by hand as singletons; MediatR resolves them through its <c>ServiceFactory</c> delegate.
    /// </summary>
    public static void AddMediatR(IServiceCollection services)
    {
        services.AddSingleton<MediatRHandler0>();
        services.AddSingleton<MediatRHandler1>();
        services.AddSingleton<MediatRHandler2>();
        services.AddSingleton<MediatRHandler3>();
        services.AddSingleton<MediatRHandler4>();
        services.AddSingleton<MediatRHandler5>();
        services.AddSingleton<MediatRHandler6>();
        services.AddSingleton<MediatRHandler7>();
        services.AddSingleton<MediatRHandler8>();
        services.AddSingleton<MediatRHandler9>();
        Add<Order1, Price1>(services, sp => sp.GetRequiredService<MediatRHandler0>());
        Add<Order3, Price3>(services, sp => sp.GetRequiredService<MediatRHandler0>(), sp => sp.GetRequiredService<MediatRHandler1>(), sp => sp.GetRequiredService<MediatRHandler2>());
        Add<Order10, Price10>(
            services,
            sp => sp.GetRequiredService<MediatRHandler0>(),
            sp => sp.GetRequiredService<MediatRHandler1>(),
            sp => sp.GetRequiredService<MediatRHandler2>(),
            sp => sp.GetRequiredService<MediatRHandler3>(),
            sp => sp.GetRequiredService<MediatRHandler4>(),
            sp => sp.GetRequiredService<MediatRHandler5>(),
            sp => sp.GetRequiredService<MediatRHandler6>(),
            sp => sp.GetRequiredService<MediatRHandler7>(),
            sp => sp.GetRequiredService<MediatRHandler8>(),
            sp => sp.GetRequiredService<MediatRHandler9>());

        static void Add<TClass, TStruct>(IServiceCollection services, params Func<IServiceProvider, object>[] handlers)
            where TClass : global::MediatR.INotification
            where TStruct : global::MediatR.INotification
        {
            foreach (Func<IServiceProvider, object> handler in handlers)
            {
                services.AddSingleton(sp => (global::MediatR.INotificationHandler<TClass>)handler(sp));
                services.AddSingleton(sp => (global::MediatR.INotificationHandler<TStruct>)handler(sp));
            }
        }
    }

    /// <summary>MassTransit 8.5.12's in-process mediator, consumers added one by one (scoped, MassTransit's default).</summary>
    public static void AddMassTransitMediator(IServiceCollection services)
        => global::MassTransit.DependencyInjectionRegistrationExtensions.AddMediator(services, configure =>
        {
            configure.AddConsumer<MassTransitConsumer0>();
            configure.AddConsumer<MassTransitConsumer1>();
            configure.AddConsumer<MassTransitConsumer2>();
            configure.AddConsumer<MassTransitConsumer3>();
            configure.AddConsumer<MassTransitConsumer4>();
            configure.AddConsumer<MassTransitConsumer5>();
            configure.AddConsumer<MassTransitConsumer6>();
            configure.AddConsumer<MassTransitConsumer7>();
            configure.AddConsumer<MassTransitConsumer8>();
            configure.AddConsumer<MassTransitConsumer9>();
        });
}
