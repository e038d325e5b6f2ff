namespace EventDriven.Analyzers.Helpers
{
    /// <summary>Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> that the code fixes read.</summary>
    internal static class DiagnosticProperties
    {
        /// <summary>ED0001: the event type nobody handles, as C# displays it.</summary>
        public const string EventType = "EventType";

        /// <summary>ED0006: which value is not deterministic: <see cref="IdValue"/> or <see cref="TimeValue"/>.</summary>
        public const string ValueKind = "ValueKind";

        public const string IdValue = "Id";

        public const string TimeValue = "Time";

        /// <summary>ED0006: the derived event's type name, the default discriminator for the deterministic id.</summary>
        public const string DerivedEventName = "DerivedEventName";

        /// <summary>ED0006: set when the value comes from the event type's property initializer, not from the creation itself.</summary>
        public const string FromInitializer = "FromInitializer";

        /// <summary>ED0009: what to change: <see cref="SetAccessor"/>, <see cref="Field"/> or <see cref="PositionalRecordStruct"/>.</summary>
        public const string MutableKind = "MutableKind";

        public const string SetAccessor = "Setter";

        public const string Field = "Field";

        public const string PositionalRecordStruct = "PositionalRecordStruct";
    }
}
