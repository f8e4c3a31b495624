using GridGov.Contracts;
using GridGov.Contracts.Cameras;

namespace GridGov.Grains.Cameras;

[GenerateSerializer, Alias("gridgov.camera-registry-state")]
internal sealed class CameraRegistryState
{
    [Id(0)] public Dictionary<string, CameraSnapshot> Cameras { get; set; } = [];
}

/// <summary>
/// A district's cameras (their records, without tallies), for the list and the map layer: one grain read answers both,
/// and nothing scans the cameras' grains. Kept by the cameras' own grains; a change that is older than the one held
/// (a lower version) is ignored, so a late retry cannot bring back an old record.
/// </summary>
internal sealed class CameraRegistryGrain(
    [PersistentState("camera-registry", ProviderNames.MainStorage)] IPersistentState<CameraRegistryState> state) : Grain, ICameraRegistryGrain
{
    Task<IReadOnlyList<CameraSnapshot>> ICameraRegistryGrain.ListAsync() =>
        Task.FromResult<IReadOnlyList<CameraSnapshot>>(state.State.Cameras.Values.OrderBy(c => c.Code, StringComparer.Ordinal).ToArray());

    async Task ICameraRegistryGrain.NoteAsync(CameraSnapshot camera)
    {
        if (state.State.Cameras.TryGetValue(camera.Code, out var held) && held.Version > camera.Version)
        {
            return;
        }

        state.State.Cameras[camera.Code] = camera;
        await state.WriteStateAsync();
    }

    async Task ICameraRegistryGrain.RemoveAsync(string code)
    {
        if (state.State.Cameras.Remove(code))
        {
            await state.WriteStateAsync();
        }
    }
}
