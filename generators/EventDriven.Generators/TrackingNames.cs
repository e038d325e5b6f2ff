namespace EventDriven.Generators
{
    /// <summary>Names of the pipeline steps, so tests can assert which steps were cached after an edit.</summary>
    internal static class TrackingNames
    {
        public const string Handlers = nameof(Handlers);
        public const string HandlerSpecs = nameof(HandlerSpecs);
        public const string HandlerDiagnostics = nameof(HandlerDiagnostics);
        public const string SagaGlue = nameof(SagaGlue);
        public const string Aggregates = nameof(Aggregates);
        public const string AssemblyInfo = nameof(AssemblyInfo);
        public const string Table = nameof(Table);
        public const string EventTypes = nameof(EventTypes);
        public const string DeclaredEventTypes = nameof(DeclaredEventTypes);
        public const string Catalog = nameof(Catalog);
        public const string CatalogDiagnostics = nameof(CatalogDiagnostics);
        public const string ReferencedCatalogs = nameof(ReferencedCatalogs);
        public const string ModuleInitializer = nameof(ModuleInitializer);
    }
}
