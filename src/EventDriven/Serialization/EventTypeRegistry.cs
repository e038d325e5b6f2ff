using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace EventDriven.Serialization;

/// <summary>
/// Which event types a program can store and read back: stable name ↔ CLR type, schema version, AOT-safe JSON metadata, aliases
/// for renamed types and upcasters for old schema versions. Filled from the generated catalogs (every event type a handler of the
/// program's assemblies handles); add others with <see cref="Add{TEvent}"/> or a <c>JsonSerializerContext</c> with <see cref="AddResolver"/>.
/// </summary>
/// <remarks>Configure it before the first event is serialized; the JSON options are frozen then.</remarks>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<Type, Entry> _byType = new();
    private readonly ConcurrentDictionary<string, Entry> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<(string EventType, int FromVersion), Func<JsonObject, JsonObject>> _upcasters = [];
    private readonly List<IJsonTypeInfoResolver> _userResolvers = [];
    private readonly List<IJsonTypeInfoResolver> _generatedResolvers = [];
    private readonly Lock _gate = new();
    private JsonSerializerOptions? _options;

    /// <summary>A registry with the event types of every generated catalog registered in this process.</summary>
    public EventTypeRegistry()
        : this(EventTypeCatalogs.All)
    {
    }

    /// <summary>A registry with the event types of <paramref name="catalogs"/>.</summary>
    public EventTypeRegistry(IEnumerable<IEventTypeCatalog> catalogs)
    {
        ArgumentNullException.ThrowIfNull(catalogs);
        foreach (IEventTypeCatalog catalog in catalogs)
        {
            _generatedResolvers.Add(catalog.JsonTypeInfoResolver);
            foreach (EventTypeDescriptor descriptor in catalog.EventTypes)
            {
                Register(descriptor.ClrType, descriptor.Name, descriptor.SchemaVersion, typeInfo: null);
            }
        }
    }

    /// <summary>The JSON options events are (de)serialized with: your resolvers first, then the generated ones. Frozen on first use.</summary>
    public JsonSerializerOptions JsonOptions
    {
        get
        {
            if (_options is { } options)
            {
                return options;
            }

            lock (_gate)
            {
                if (_options is null)
                {
                    options = new JsonSerializerOptions(JsonSerializerDefaults.General)
                    {
                        TypeInfoResolver = JsonTypeInfoResolver.Combine([.. _userResolvers, .. _generatedResolvers]),
                    };
                    options.MakeReadOnly();
                    _options = options;
                }

                return _options;
            }
        }
    }

    /// <summary>Every event type known by name so far.</summary>
    public IReadOnlyCollection<string> EventTypeNames => [.. _byName.Keys];

    /// <summary>Registers <typeparamref name="TEvent"/> under <paramref name="name"/>, e.g. with metadata from your own <c>JsonSerializerContext</c>.</summary>
    public EventTypeRegistry Add<TEvent>(string name, int schemaVersion = 1, JsonTypeInfo<TEvent>? typeInfo = null)
        where TEvent : IEvent
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        Register(typeof(TEvent), name, schemaVersion, typeInfo);
        return this;
    }

    /// <summary>Adds JSON metadata (for example <c>MyJsonContext.Default</c>), consulted before the generated metadata.</summary>
    public EventTypeRegistry AddResolver(IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (_gate)
        {
            ThrowIfFrozen();
            _userResolvers.Add(resolver);
        }

        return this;
    }

    /// <summary>Reads events stored as <paramref name="oldName"/> as the event type now named <paramref name="newName"/>.</summary>
    public EventTypeRegistry AddAlias(string oldName, string newName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(oldName);
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        lock (_gate)
        {
            _aliases[oldName] = newName;
        }

        return this;
    }

    /// <summary>
    /// Turns a stored payload of <paramref name="eventType"/> at schema version <paramref name="fromVersion"/> into version
    /// <paramref name="fromVersion"/> + 1. Reading applies the chain up to the current version; a step without an upcaster is read as is
    /// (adding an optional property needs none).
    /// </summary>
    public EventTypeRegistry AddUpcaster(string eventType, int fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        ArgumentNullException.ThrowIfNull(upcast);
        lock (_gate)
        {
            _upcasters[(eventType, fromVersion)] = upcast;
        }

        return this;
    }

    /// <summary>The registration of <paramref name="event"/>'s type, learning its name from the instance when the generator could not.</summary>
    internal Entry ForInstance(IEvent @event)
    {
        Type type = @event.GetType();
        string name = @event.EventType;
        if (_byType.TryGetValue(type, out Entry? entry))
        {
            if (entry.Name is null)
            {
                entry = Register(type, name, entry.SchemaVersion, entry.ExplicitTypeInfo, learnedFrom: @event);
            }
            else if (!string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                throw new EventSerializationException($"Event {@event.Id} of type {type.FullName} says its EventType is '{name}', but the type is registered as '{entry.Name}'. An event type's name must not vary between instances.");
            }

            return entry;
        }

        // Not generated (e.g. only published, never handled): usable when the JSON options can describe it.
        return Register(type, name, 1, typeInfo: null, learnedFrom: @event);
    }

    internal bool TryGetByName(string name, out Entry entry)
    {
        if (_byName.TryGetValue(name, out entry!))
        {
            return true;
        }

        string? current;
        lock (_gate)
        {
            _aliases.TryGetValue(name, out current);
        }

        return current is not null && _byName.TryGetValue(current, out entry!);
    }

    internal JsonTypeInfo GetTypeInfo(Entry entry)
    {
        if (entry.ExplicitTypeInfo is { } explicitInfo)
        {
            return explicitInfo;
        }

        try
        {
            return JsonOptions.GetTypeInfo(entry.ClrType);
        }
        catch (NotSupportedException ex)
        {
            throw new EventSerializationException($"No JSON metadata for event type {entry.ClrType.FullName} ('{entry.Name}'). Handle it with an [EventHandler] so the generator describes it, or register your JsonSerializerContext with EventTypeRegistry.AddResolver.", ex);
        }
    }

    internal JsonObject Upcast(string eventType, int fromVersion, int toVersion, JsonObject payload)
    {
        for (int version = fromVersion; version < toVersion; version++)
        {
            Func<JsonObject, JsonObject>? upcast;
            lock (_gate)
            {
                _upcasters.TryGetValue((eventType, version), out upcast);
            }

            if (upcast is not null)
            {
                payload = upcast(payload);
            }
        }

        return payload;
    }

    internal bool HasUpcasters(string eventType, int fromVersion, int toVersion)
    {
        lock (_gate)
        {
            for (int version = fromVersion; version < toVersion; version++)
            {
                if (_upcasters.ContainsKey((eventType, version)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // learnedFrom: the event whose instance told the name, when the registration is learned while serializing it.
    private Entry Register(Type type, string? name, int schemaVersion, JsonTypeInfo? typeInfo, IEvent? learnedFrom = null)
    {
        lock (_gate)
        {
            if (typeInfo is not null)
            {
                ThrowIfFrozen();
            }

            if (name is not null && _byName.TryGetValue(name, out Entry? existing) && existing.ClrType != type)
            {
                if (learnedFrom is not null)
                {
                    // A property of this event, not of the store: permanent, so the event is set aside at once instead of retried.
                    throw new EventSerializationException(
                        $"Event {learnedFrom.Id} of type {type.FullName} names its EventType '{name}', which is already the name of {existing.ClrType.FullName}. " +
                        "Stored events are read back by this name, so it must be unique: give one of the types another EventType (for example its full name), or register it with EventTypeRegistry.AddAlias when it replaced the other.");
                }

                throw new InvalidOperationException($"Two event types are named '{name}': {existing.ClrType.FullName} and {type.FullName}. Stored events are read back by this name, so it must be unique.");
            }

            if (name is null && _byType.TryGetValue(type, out Entry? known) && known.Name is not null)
            {
                // Another catalog (the declaring assembly's) already named this type: a referencing assembly's nameless entry adds nothing.
                return known;
            }

            var entry = new Entry(type, name, schemaVersion, typeInfo);
            _byType[type] = entry;
            if (name is not null)
            {
                _byName[name] = entry;
            }

            return entry;
        }
    }

    private void ThrowIfFrozen()
    {
        if (_options is not null)
        {
            throw new InvalidOperationException("The event type registry is already in use (an event was serialized); add resolvers and types before that, when configuring the store.");
        }
    }

    internal sealed record Entry(Type ClrType, string? Name, int SchemaVersion, JsonTypeInfo? ExplicitTypeInfo);
}
