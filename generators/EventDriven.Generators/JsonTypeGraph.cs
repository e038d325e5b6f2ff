using System;
using System.Collections.Generic;
using System.Linq;
using EventDriven.Generators.Helpers;
using EventDriven.Generators.Model;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators
{
    /// <summary>
    /// Walks an event type and every type its properties reach, deciding for each how the generated resolver creates its JSON
    /// metadata (<see cref="JsonTypeSpec"/>). Lives only while one event is parsed: it holds symbols, the specs it produces do not.
    /// The rules follow System.Text.Json's own (public readable properties, <c>[JsonPropertyName]</c>, <c>[JsonIgnore]</c>,
    /// <c>[JsonConstructor]</c>), so the payload matches what a <c>JsonSerializerContext</c> for the same type would write.
    /// </summary>
    internal sealed class JsonTypeGraph
    {
        private const string JsonAttributeNamespace = "System.Text.Json.Serialization.";

        /// <summary>Types with a built-in converter of <c>JsonMetadataServices</c>, by full name.</summary>
        private static readonly Dictionary<string, string> s_converters = new(StringComparer.Ordinal)
        {
            ["bool"] = "BooleanConverter",
            ["byte"] = "ByteConverter",
            ["sbyte"] = "SByteConverter",
            ["short"] = "Int16Converter",
            ["ushort"] = "UInt16Converter",
            ["int"] = "Int32Converter",
            ["uint"] = "UInt32Converter",
            ["long"] = "Int64Converter",
            ["ulong"] = "UInt64Converter",
            ["float"] = "SingleConverter",
            ["double"] = "DoubleConverter",
            ["decimal"] = "DecimalConverter",
            ["char"] = "CharConverter",
            ["string"] = "StringConverter",
            ["byte[]"] = "ByteArrayConverter",
            ["System.Int128"] = "Int128Converter",
            ["System.UInt128"] = "UInt128Converter",
            ["System.Half"] = "HalfConverter",
            ["System.Guid"] = "GuidConverter",
            ["System.DateTime"] = "DateTimeConverter",
            ["System.DateTimeOffset"] = "DateTimeOffsetConverter",
            ["System.DateOnly"] = "DateOnlyConverter",
            ["System.TimeOnly"] = "TimeOnlyConverter",
            ["System.TimeSpan"] = "TimeSpanConverter",
            ["System.Uri"] = "UriConverter",
            ["System.Version"] = "VersionConverter",
            ["System.Text.Json.JsonElement"] = "JsonElementConverter",
        };

        /// <summary>Generic collections, by the full name of their definition.</summary>
        private static readonly Dictionary<string, JsonTypeKind> s_collections = new(StringComparer.Ordinal)
        {
            ["System.Collections.Generic.List<T>"] = JsonTypeKind.List,
            ["System.Collections.Generic.IList<T>"] = JsonTypeKind.IList,
            ["System.Collections.Generic.ICollection<T>"] = JsonTypeKind.ICollection,
            ["System.Collections.Generic.IEnumerable<T>"] = JsonTypeKind.IEnumerable,
            ["System.Collections.Generic.IReadOnlyCollection<T>"] = JsonTypeKind.IEnumerable,
            ["System.Collections.Generic.IReadOnlyList<T>"] = JsonTypeKind.IEnumerable,
            ["System.Collections.Generic.Dictionary<TKey, TValue>"] = JsonTypeKind.Dictionary,
            ["System.Collections.Generic.IDictionary<TKey, TValue>"] = JsonTypeKind.IDictionary,
            ["System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>"] = JsonTypeKind.IReadOnlyDictionary,
        };

        private readonly Compilation _compilation;
        private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);

        public JsonTypeGraph(Compilation compilation) => _compilation = compilation;

        /// <summary>Every type described so far, by fully qualified name.</summary>
        public Dictionary<string, JsonTypeSpec> Types { get; } = new(StringComparer.Ordinal);

        /// <summary>Why the last <see cref="TryDescribe"/> that returned false gave up.</summary>
        public Failure? FirstFailure { get; private set; }

        /// <summary>Describes <paramref name="type"/> and everything it reaches; false (and <see cref="FirstFailure"/>) at the first member that cannot be.</summary>
        /// <param name="type">The type.</param>
        /// <param name="path">How the event reaches it, e.g. <c>OrderPlaced.Lines[].Sku</c>, for the diagnostic.</param>
        /// <param name="location">Where the member of that type is declared, when in source.</param>
        public bool TryDescribe(ITypeSymbol type, string path, Location? location = null)
        {
            string key = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            if (Types.ContainsKey(key) || _inProgress.Contains(key))
            {
                return true;
            }

            string display = type.DisplayName();
            if (s_converters.TryGetValue(display, out string? converter))
            {
                return Add(key, JsonTypeKind.Value, converter);
            }

            switch (type)
            {
                case IArrayTypeSymbol { Rank: 1 } array:
                    return TryDescribe(array.ElementType, path + "[]", location)
                        && Add(key, JsonTypeKind.Array, elementTypeName: Name(array.ElementType));
                case INamedTypeSymbol { TypeKind: TypeKind.Enum } when FindAttribute(type, "JsonConverterAttribute") is { } enumConverter:
                    return Fail(path, type, "is not accessible to generated code", location, !type.IsNameable(_compilation))
                        && TryConverter(enumConverter, type, path, location, out string? enumCreation)
                        && Add(key, JsonTypeKind.Custom, enumCreation);
                case INamedTypeSymbol { TypeKind: TypeKind.Enum }:
                    return Fail(path, type, "is not accessible to generated code", location, !type.IsNameable(_compilation))
                        && Add(key, JsonTypeKind.Enum);
                case INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable:
                    return TryDescribe(nullable.TypeArguments[0], path, location)
                        && Add(key, JsonTypeKind.Nullable, elementTypeName: Name(nullable.TypeArguments[0]));
                case INamedTypeSymbol { IsGenericType: true } generic when s_collections.TryGetValue(generic.OriginalDefinition.DisplayName(), out JsonTypeKind kind):
                    return TryDescribeCollection(key, generic, kind, path, location);
                case INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named:
                    return TryDescribeObject(key, named, path, location);
                default:
                    return Fail(path, type, "is not supported", location);
            }
        }

        private bool TryDescribeCollection(string key, INamedTypeSymbol collection, JsonTypeKind kind, string path, Location? location)
        {
            ITypeSymbol element = collection.TypeArguments[collection.TypeArguments.Length - 1];
            string? keyTypeName = null;
            if (collection.TypeArguments.Length == 2)
            {
                if (collection.TypeArguments[0].SpecialType != SpecialType.System_String)
                {
                    return Fail(path, collection, "is a dictionary whose keys are not strings", location);
                }

                keyTypeName = "string";
            }

            return TryDescribe(element, path + "[]", location)
                && Add(key, kind, elementTypeName: Name(element), keyTypeName: keyTypeName);
        }

        private bool TryDescribeObject(string key, INamedTypeSymbol type, string path, Location? location)
        {
            string? unsupported = type switch
            {
                { SpecialType: SpecialType.System_Object } => "is object, whose shape is only known at run time",
                { IsAbstract: true } => "is abstract, so the type to create is only known at run time",
                { IsRefLikeType: true } => "is a ref struct",
                _ when IsFrameworkType(type) => "is a framework type without a built-in System.Text.Json converter",
                _ when !type.IsNameable(_compilation) => "is not accessible to generated code",
                _ => null,
            };
            if (unsupported is not null)
            {
                return Fail(path, type, unsupported, location);
            }

            if (FindAttribute(type, "JsonConverterAttribute") is { } typeConverter)
            {
                // System.Text.Json uses the type's own converter and never looks at its members.
                return TryConverter(typeConverter, type, path, location, out string? creation) && Add(key, JsonTypeKind.Custom, creation);
            }

            _inProgress.Add(key);
            var properties = new List<(IPropertySymbol Symbol, JsonPropertySpec Spec)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (INamedTypeSymbol? current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
            {
                foreach (IPropertySymbol property in current.GetMembers().OfType<IPropertySymbol>())
                {
                    if (property.IsStatic
                        || property.IsIndexer
                        || property.DeclaredAccessibility != Accessibility.Public
                        || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public }
                        || !seen.Add(property.Name))
                    {
                        continue;
                    }

                    string memberPath = path + "." + property.Name;
                    Location? memberLocation = property.Locations.FirstOrDefault(static l => l.IsInSource) ?? location;
                    string? ignoreCondition = ReadIgnoreCondition(property);
                    if (ignoreCondition == "Always")
                    {
                        continue;
                    }

                    if (HasAttribute(property, "JsonExtensionDataAttribute"))
                    {
                        return Fail(memberPath, property.Type, "carries [JsonExtensionData], which the generated metadata does not apply", memberLocation);
                    }

                    string? memberConverter = null;
                    if (FindAttribute(property, "JsonConverterAttribute") is { } converterAttribute
                        && !TryConverter(converterAttribute, property.Type, memberPath, memberLocation, out memberConverter))
                    {
                        return false;
                    }

                    if (!TryDescribe(property.Type, memberPath, memberLocation))
                    {
                        return false;
                    }

                    properties.Add((property, new JsonPropertySpec(
                        property.Name,
                        Name(property.Type),
                        ReadJsonName(property),
                        Name(current),
                        property.SetMethod is { DeclaredAccessibility: Accessibility.Public, IsInitOnly: false },
                        property.IsVirtual || property.IsAbstract || property.IsOverride,
                        ignoreCondition,
                        BackingFieldOf(property, current),
                        memberConverter)));
                }
            }

            IMethodSymbol? constructor = ChooseConstructor(type);
            if (constructor is null && type.TypeKind == TypeKind.Class)
            {
                return Fail(path, type, "has no constructor System.Text.Json would use (a public parameterless one, the only public one, or one marked [JsonConstructor])", location);
            }

            var parameters = new List<JsonParameterSpec>();
            var bound = new HashSet<string>(StringComparer.Ordinal);
            foreach (IParameterSymbol parameter in constructor?.Parameters ?? Enumerable.Empty<IParameterSymbol>())
            {
                (IPropertySymbol Symbol, JsonPropertySpec Spec) match = properties.FirstOrDefault(p =>
                    string.Equals(p.Symbol.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)
                    && SymbolEqualityComparer.Default.Equals(p.Symbol.Type.WithNullableAnnotation(NullableAnnotation.None), parameter.Type.WithNullableAnnotation(NullableAnnotation.None)));
                if (match.Symbol is null || parameter.RefKind != RefKind.None)
                {
                    return Fail(path + "(" + parameter.Name + ")", parameter.Type, "is a constructor parameter that binds to no public property of the same name and type", parameter.Locations.FirstOrDefault(static l => l.IsInSource) ?? location);
                }

                bound.Add(match.Symbol.Name);
                parameters.Add(new JsonParameterSpec(match.Symbol.Name, Name(parameter.Type), IsNullable(parameter.Type), DefaultValue(parameter), IsMemberInitializer: false));
            }

            foreach ((IPropertySymbol symbol, JsonPropertySpec spec) in properties)
            {
                // Only an object initializer can set init-only and required properties, so the creator takes them as arguments.
                if (!bound.Contains(symbol.Name) && (symbol.SetMethod is { DeclaredAccessibility: Accessibility.Public, IsInitOnly: true } || symbol.IsRequired))
                {
                    parameters.Add(new JsonParameterSpec(symbol.Name, spec.TypeName, IsNullable(symbol.Type), null, IsMemberInitializer: true));
                }
            }

            _inProgress.Remove(key);
            Types[key] = new JsonTypeSpec(
                key,
                JsonTypeKind.Object,
                null,
                null,
                null,
                new JsonObjectSpec(
                    type.IsValueType,
                    parameters.Count > 0,
                    parameters.ToEquatableArray(),
                    properties.Select(static p => p.Spec).ToEquatableArray()));
            return true;
        }

        /// <summary>
        /// The backing field of a get-only auto-property declared in source on a non-generic type (the ones an initializer like
        /// <c>= Guid.NewGuid()</c> would otherwise give a new value on every read); null for anything with a setter or a body.
        /// </summary>
        private static string? BackingFieldOf(IPropertySymbol property, INamedTypeSymbol declaring)
        {
            if (property.SetMethod is not null || property.IsStatic || declaring.IsGenericType || declaring.ContainingType is { IsGenericType: true })
            {
                return null;
            }

            foreach (ISymbol member in declaring.GetMembers())
            {
                if (member is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
                {
                    return field.Name;
                }
            }

            return null;
        }

        /// <summary>
        /// System.Text.Json's choice: the one marked <c>[JsonConstructor]</c>; else, for classes, the public parameterless one or the only
        /// public one. For structs the only public constructor with parameters (a positional record struct's), else <c>new T()</c> (null).
        /// </summary>
        private IMethodSymbol? ChooseConstructor(INamedTypeSymbol type)
        {
            IMethodSymbol[] usable = type.InstanceConstructors
                .Where(c => !IsCopyConstructor(c, type) && _compilation.IsSymbolAccessibleWithin(c, _compilation.Assembly))
                .ToArray();
            IMethodSymbol[] marked = usable.Where(static c => HasAttribute(c, "JsonConstructorAttribute")).ToArray();
            if (marked.Length == 1)
            {
                return marked[0];
            }

            IMethodSymbol[] publicOnes = usable.Where(static c => c.DeclaredAccessibility == Accessibility.Public).ToArray();
            IMethodSymbol[] withParameters = publicOnes.Where(static c => c.Parameters.Length > 0).ToArray();
            if (type.IsValueType)
            {
                return withParameters.Length == 1 ? withParameters[0] : null;
            }

            return publicOnes.FirstOrDefault(static c => c.Parameters.Length == 0) ?? (publicOnes.Length == 1 ? publicOnes[0] : null);
        }

        private static bool IsCopyConstructor(IMethodSymbol constructor, INamedTypeSymbol type)
            => constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

        private static bool IsFrameworkType(INamedTypeSymbol type)
        {
            INamespaceSymbol? root = type.ContainingNamespace;
            while (root?.ContainingNamespace is { IsGlobalNamespace: false } parent)
            {
                root = parent;
            }

            return root is { IsGlobalNamespace: false, Name: "System" or "Microsoft" };
        }

        private static bool IsNullable(ITypeSymbol type)
            => !type.IsValueType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        private static string? ReadJsonName(IPropertySymbol property)
        {
            AttributeData? attribute = FindAttribute(property, "JsonPropertyNameAttribute");
            return attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string name ? name : null;
        }

        /// <summary>The <c>JsonIgnoreCondition</c> member name of a <c>[JsonIgnore]</c>; <c>Always</c> when it names none, as the attribute does.</summary>
        private static string? ReadIgnoreCondition(IPropertySymbol property)
        {
            AttributeData? attribute = FindAttribute(property, "JsonIgnoreAttribute");
            if (attribute is null)
            {
                return null;
            }

            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "Condition" && argument.Value.Type is INamedTypeSymbol enumType && argument.Value.Value is { } value)
                {
                    IFieldSymbol? member = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
                    return member?.Name ?? "Always";
                }
            }

            return "Always";
        }

        private static bool HasAttribute(ISymbol symbol, string name) => FindAttribute(symbol, name) is not null;

        /// <summary>
        /// C# creating the converter a <c>[JsonConverter(typeof(X))]</c> names for <paramref name="target"/>: <c>new X()</c> for a
        /// concrete converter with a public parameterless constructor, and for the non-generic <c>JsonStringEnumConverter</c> (which
        /// needs run-time code generation) its AOT-safe <c>JsonStringEnumConverter&lt;TEnum&gt;</c>, which writes the same JSON.
        /// </summary>
        private bool TryConverter(AttributeData attribute, ITypeSymbol target, string path, Location? location, out string? creation)
        {
            creation = null;
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol converter)
            {
                return Fail(path, target, "carries a [JsonConverter] without a converter type (a JsonConverterAttribute subclass), which the generated metadata cannot apply", location);
            }

            if (converter.DisplayName() == JsonAttributeNamespace + "JsonStringEnumConverter" && target.TypeKind == TypeKind.Enum)
            {
                creation = "new global::System.Text.Json.Serialization.JsonStringEnumConverter<" + Name(target) + ">()";
                return true;
            }

            if (converter.IsAbstract
                || converter.IsUnboundGenericType
                || !converter.IsNameable(_compilation)
                || !converter.InstanceConstructors.Any(static c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public))
            {
                return Fail(path, target, "carries a [JsonConverter] whose converter '" + converter.DisplayName() + "' generated code cannot create (it needs a public parameterless constructor)", location);
            }

            creation = "new " + Name(converter) + "()";
            return true;
        }

        private static AttributeData? FindAttribute(ISymbol symbol, string name)
            => symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.DisplayName() == JsonAttributeNamespace + name);

        /// <summary>C# for an optional parameter's default value, boxed into the <c>object</c> System.Text.Json passes back to the creator.</summary>
        private static string? DefaultValue(IParameterSymbol parameter)
        {
            if (!parameter.HasExplicitDefaultValue)
            {
                return null;
            }

            string typeName = Name(parameter.Type);
            object? value = parameter.ExplicitDefaultValue;
            if (value is null)
            {
                // default(T) of a struct must box to a T, never to null: the creator unboxes it.
                return parameter.Type.IsValueType ? "default(" + typeName + ")" : "null";
            }

            return parameter.Type.TypeKind == TypeKind.Enum || parameter.Type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                ? "(" + typeName + ")(" + Literals.Constant(value) + ")"
                : "(" + typeName + ")" + Literals.Constant(value);
        }

        private static string Name(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        private bool Add(string key, JsonTypeKind kind, string? converter = null, string? elementTypeName = null, string? keyTypeName = null)
        {
            Types[key] = new JsonTypeSpec(key, kind, converter, elementTypeName, keyTypeName, null);
            return true;
        }

        /// <summary>Records why the walk stops when <paramref name="when"/>; returns true (go on) otherwise.</summary>
        private bool Fail(string path, ITypeSymbol type, string reason, Location? location, bool when = true)
        {
            if (when)
            {
                FirstFailure ??= new Failure(path, type, reason, location);
            }

            return !when;
        }

        /// <summary>The member the walk stopped at. Transient: holds a symbol and a location, so it never goes into a spec.</summary>
        internal sealed class Failure(string memberPath, ITypeSymbol type, string reason, Location? location)
        {
            public string MemberPath { get; } = memberPath;

            public ITypeSymbol Type { get; } = type;

            public string Reason { get; } = reason;

            public Location? Location { get; } = location;
        }
    }
}
