namespace EventDriven.Generators.Model
{
    /// <summary>How the generated resolver creates the JSON metadata of one type: which <c>JsonMetadataServices</c> factory it calls.</summary>
    internal enum JsonTypeKind
    {
        /// <summary>A built-in converter, e.g. <c>JsonMetadataServices.Int32Converter</c>.</summary>
        Value,

        /// <summary><c>GetEnumConverter&lt;T&gt;</c>: numbers by default, as System.Text.Json does.</summary>
        Enum,

        /// <summary><c>GetNullableConverter&lt;T&gt;</c> over the underlying type.</summary>
        Nullable,

        /// <summary><c>T[]</c>.</summary>
        Array,

        /// <summary><c>List&lt;T&gt;</c>.</summary>
        List,

        /// <summary><c>IList&lt;T&gt;</c>.</summary>
        IList,

        /// <summary><c>ICollection&lt;T&gt;</c>.</summary>
        ICollection,

        /// <summary><c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c> (read back as a list).</summary>
        IEnumerable,

        /// <summary><c>Dictionary&lt;string, TValue&gt;</c>.</summary>
        Dictionary,

        /// <summary><c>IDictionary&lt;string, TValue&gt;</c>.</summary>
        IDictionary,

        /// <summary><c>IReadOnlyDictionary&lt;string, TValue&gt;</c>.</summary>
        IReadOnlyDictionary,

        /// <summary>A record, class or struct described property by property.</summary>
        Object,

        /// <summary>
        /// A type carrying <c>[JsonConverter]</c>: a value whose converter is the one the attribute names (created by the expression in
        /// <see cref="JsonTypeSpec.Converter"/>), as System.Text.Json itself would use.
        /// </summary>
        Custom,
    }
}
