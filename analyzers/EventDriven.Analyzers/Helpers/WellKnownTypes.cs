using EventDriven.Shared;
using Microsoft.CodeAnalysis;

namespace EventDriven.Analyzers.Helpers
{
    /// <summary>
    /// The types the analyzers compare against, resolved once per compilation (in <c>RegisterCompilationStartAction</c>) instead of
    /// per node. <see cref="TryCreate"/> returns <see langword="null"/> when EventDriven itself is not referenced: every analyzer then
    /// registers nothing, so projects without EventDriven pay nothing.
    /// </summary>
    internal sealed class WellKnownTypes
    {
        private WellKnownTypes(Compilation compilation, INamedTypeSymbol @event, INamedTypeSymbol handler, PublishCall publishes, INamedTypeSymbol handlerAttribute)
        {
            Compilation = compilation;
            Event = @event;
            EventHandler = handler;
            Publishes = publishes;
            EventBus = publishes.EventBus;
            EventHandlerAttribute = handlerAttribute;
            DispatchTableAttribute = compilation.GetTypeByMetadataName("EventDriven.Dispatch.EventDispatchTableAttribute");
            Guid = compilation.GetTypeByMetadataName("System.Guid");
            DateTime = compilation.GetTypeByMetadataName("System.DateTime");
            DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
            TimeProvider = compilation.GetTypeByMetadataName("System.TimeProvider");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            Interlocked = compilation.GetTypeByMetadataName("System.Threading.Interlocked");
            EventArgs = compilation.GetTypeByMetadataName("System.EventArgs");
            Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
            TextWriter = compilation.GetTypeByMetadataName("System.IO.TextWriter");
            File = compilation.GetTypeByMetadataName("System.IO.File");
            FileStream = compilation.GetTypeByMetadataName("System.IO.FileStream");
            StreamWriter = compilation.GetTypeByMetadataName("System.IO.StreamWriter");
            FileMode = compilation.GetTypeByMetadataName("System.IO.FileMode");
            DbCommand = compilation.GetTypeByMetadataName("System.Data.IDbCommand");
            DbConnection = compilation.GetTypeByMetadataName("System.Data.IDbConnection");
            HttpClient = compilation.GetTypeByMetadataName("System.Net.Http.HttpClient");
            SetOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.ISet`1");
            ReadOnlySetOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlySet`1");
            DictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");
            ReadOnlyDictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
            EnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerable`1");
        }

        public Compilation Compilation { get; }

        public INamedTypeSymbol Event { get; }

        public INamedTypeSymbol EventHandler { get; }

        public INamedTypeSymbol EventBus { get; }

        /// <summary>What a publish is, shared with the generator (<see cref="PublishCall"/>).</summary>
        public PublishCall Publishes { get; }

        public INamedTypeSymbol EventHandlerAttribute { get; }

        public INamedTypeSymbol? DispatchTableAttribute { get; }

        public INamedTypeSymbol? Guid { get; }

        public INamedTypeSymbol? DateTime { get; }

        public INamedTypeSymbol? DateTimeOffset { get; }

        public INamedTypeSymbol? TimeProvider { get; }

        public INamedTypeSymbol? Task { get; }

        public INamedTypeSymbol? TaskOfT { get; }

        public INamedTypeSymbol? ValueTask { get; }

        public INamedTypeSymbol? ValueTaskOfT { get; }

        public INamedTypeSymbol? Thread { get; }

        public INamedTypeSymbol? Interlocked { get; }

        public INamedTypeSymbol? EventArgs { get; }

        public INamedTypeSymbol? Stream { get; }

        public INamedTypeSymbol? TextWriter { get; }

        public INamedTypeSymbol? File { get; }

        public INamedTypeSymbol? FileStream { get; }

        public INamedTypeSymbol? StreamWriter { get; }

        public INamedTypeSymbol? FileMode { get; }

        public INamedTypeSymbol? DbCommand { get; }

        public INamedTypeSymbol? DbConnection { get; }

        public INamedTypeSymbol? HttpClient { get; }

        public INamedTypeSymbol? SetOfT { get; }

        public INamedTypeSymbol? ReadOnlySetOfT { get; }

        public INamedTypeSymbol? DictionaryOfKV { get; }

        public INamedTypeSymbol? ReadOnlyDictionaryOfKV { get; }

        public INamedTypeSymbol? EnumerableOfT { get; }

        public static WellKnownTypes? TryCreate(Compilation compilation)
        {
            INamedTypeSymbol? @event = compilation.GetTypeByMetadataName("EventDriven.IEvent");
            INamedTypeSymbol? handler = compilation.GetTypeByMetadataName("EventDriven.IEventHandler`1");
            PublishCall? publishes = PublishCall.For(compilation);
            INamedTypeSymbol? attribute = compilation.GetTypeByMetadataName("EventDriven.EventHandlerAttribute");
            return @event is null || handler is null || publishes is null || attribute is null
                ? null
                : new WellKnownTypes(compilation, @event, handler, publishes, attribute);
        }
    }
}
