namespace GridGov.Contracts.Territory;

/// <summary>A silo's copy of districts' indexes: the index grain hands it every change before answering the change.</summary>
[Alias("gridgov.territory-index-watcher")]
public interface ITerritoryIndexWatcher : IGrainObserver
{
    [Alias("upserted")]
    Task UpsertedAsync(string district, TerritoryIndexEntry entry);
}
