namespace GridGov.Contracts;

/// <summary>Names of the storage and stream providers every host registers.</summary>
public static class ProviderNames
{
    /// <summary>Grain state of every GridGov grain.</summary>
    public const string MainStorage = "Main";

    /// <summary>The stream provider for domain events (memory streams).</summary>
    public const string Streams = "Events";

    /// <summary>Storage of the stream provider's pub-sub subscriptions.</summary>
    public const string PubSubStorage = "PubSubStore";
}

/// <summary>Stream namespaces. A stream's key is the territory code it concerns.</summary>
public static class StreamNamespaces
{
    public const string CaseEvents = "case-events";
    public const string TerritoryEvents = "territory-events";
}
