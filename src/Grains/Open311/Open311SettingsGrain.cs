using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.Open311;
using Orleans.Concurrency;

namespace GridGov.Grains.Open311;

[GenerateSerializer, Alias("gridgov.open311-settings-state")]
internal sealed class Open311SettingsState
{
    [Id(0)] public Open311Settings? Settings { get; set; }
}

/// <summary>A district's Open311 settings; a district that never set them has the defaults and stores nothing.</summary>
internal sealed class Open311SettingsGrain(
    [PersistentState("open311", ProviderNames.MainStorage)] IPersistentState<Open311SettingsState> state)
    : Grain, IOpen311SettingsGrain
{
    [ReadOnly]
    Task<Open311Settings> IOpen311SettingsGrain.GetAsync() => Task.FromResult(state.State.Settings ?? Open311Settings.Default);

    async Task<Open311Settings> IOpen311SettingsGrain.PutAsync(Open311Settings settings)
    {
        if (!Open311Settings.Languages.Contains(settings.Language))
        {
            throw DomainException.Invalid("language", $"language is one of {string.Join(", ", Open311Settings.Languages)}.");
        }

        if (settings.UtcOffsetMinutes is < -14 * 60 or > 14 * 60 || settings.UtcOffsetMinutes % 15 != 0)
        {
            throw DomainException.Invalid("utcOffsetMinutes", "utcOffsetMinutes is a multiple of 15 from -840 to 840.");
        }

        if (settings.Contact is { Length: > 500 })
        {
            throw DomainException.Invalid("contact", "contact is at most 500 characters.");
        }

        state.State.Settings = settings;
        await state.WriteStateAsync();
        return settings;
    }
}
