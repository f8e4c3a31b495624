using GridGov.Contracts;
using GridGov.Contracts.Cameras;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Cameras;

/// <summary>
/// One camera of the registry: its record (placed in a grid and micro-grid by locate) and the detection workflow
/// (<see cref="DetectAsync"/>, in CameraGrain.Detections.cs). It keeps its district's registry in step after each
/// change of its own record; a registry that missed a change is repaired by the next PUT of the camera.
/// </summary>
internal sealed partial class CameraGrain(
    [PersistentState("camera", ProviderNames.MainStorage)] IPersistentState<CameraState> state,
    TimeProvider time) : Grain, ICameraGrain
{
    public const int MaxLabels = 50;
    private const int MaxName = 100;
    private const int MaxAddress = 200;
    private const int MaxLabel = 64;

    private string Code => this.GetPrimaryKeyString();

    private string District => DistrictCode.Of(Code);

    async Task<CameraPut> ICameraGrain.PutAsync(CameraUpsert camera, long? expectedVersion)
    {
        if (CameraCodes.Problem(Code) is { } problem)
        {
            throw DomainException.Invalid("code", problem);
        }

        var name = Text(camera.Name, "name", MaxName);
        var address = camera.Address?.Trim() is { Length: > 0 } a ? a.Length > MaxAddress ? throw DomainException.Invalid("address", $"address is at most {MaxAddress} characters.") : a : null;
        if (!double.IsFinite(camera.Lat) || camera.Lat is < -90 or > 90)
        {
            throw DomainException.Invalid("lat", "lat is a latitude from -90 to 90 (WGS-84).");
        }

        if (!double.IsFinite(camera.Lon) || camera.Lon is < -180 or > 180)
        {
            throw DomainException.Invalid("lon", "lon is a longitude from -180 to 180.");
        }

        var labels = await CheckLabelsAsync(camera.Labels);
        var current = state.State.Camera;
        if (expectedVersion is { } expected && expected != (current?.Version ?? 0))
        {
            throw DomainException.Stale(expected, current?.Version ?? 0);
        }

        var located = await GrainFactory.GetGrain<ILocatorGrain>(0).LocateAsync(camera.Lat, camera.Lon, District);
        // As a case is routed: the grid holding the point, else the community that does (属地兜底).
        var grid = located.Grid?.Code
            ?? (located.Fallback is { Level: >= TerritoryLevel.Community } fallback ? fallback.Code : null)
            ?? throw DomainException.Invalid("lat", $"No grid or community of district {District} holds this point.");

        var next = new CameraSnapshot(Code, name, camera.Lat, camera.Lon, address, grid, located.MicroGrid?.Code, labels, (current?.Version ?? 0) + 1, time.GetUtcNow());
        state.State.Camera = next;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ICameraRegistryGrain>(District).NoteAsync(next);
        return new CameraPut(next, current is null);
    }

    Task<CameraStatus?> ICameraGrain.GetAsync() => Task.FromResult(state.State.Camera is { } camera ? new CameraStatus(camera, Tallies(camera)) : null);

    async Task<bool> ICameraGrain.DeleteAsync(long? expectedVersion)
    {
        if (state.State.Camera is not { } current)
        {
            return false;
        }

        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Stale(expected, current.Version);
        }

        await state.ClearStateAsync();
        state.State = new CameraState();
        await GrainFactory.GetGrain<ICameraRegistryGrain>(District).RemoveAsync(Code);
        return true;
    }

    /// <summary>The tallies of the camera's labels (zero for a label that has seen nothing), then of labels it dropped.</summary>
    private IReadOnlyList<CameraLabelTally> Tallies(CameraSnapshot camera) =>
        camera.Labels.Select(l => Tally(l.Label))
            .Concat(state.State.Tallies.Values.Where(t => camera.Labels.All(l => l.Label != t.Label)).OrderBy(t => t.Label, StringComparer.Ordinal))
            .ToArray();

    private CameraLabelTally Tally(string label) => state.State.Tallies.GetValueOrDefault(label) ?? new CameraLabelTally(label, 0, 0, 0, 0, 0, 0);

    private async Task<CameraLabel[]> CheckLabelsAsync(IReadOnlyList<CameraLabel> labels)
    {
        if (labels.Count is 0 or > MaxLabels)
        {
            throw DomainException.Invalid("labels", $"A camera has 1 to {MaxLabels} detection labels.");
        }

        var checkedLabels = new CameraLabel[labels.Count];
        var categories = GrainFactory.GetGrain<ICategoryCatalogGrain>(District);
        for (var i = 0; i < labels.Count; i++)
        {
            var label = labels[i];
            var text = Text(label.Label, $"labels[{i}].label", MaxLabel);
            if (checkedLabels.Take(i).Any(l => l.Label == text))
            {
                throw DomainException.Invalid($"labels[{i}].label", $"The label '{text}' is given twice.");
            }

            if (!double.IsFinite(label.Threshold) || label.Threshold is < 0 or > 1)
            {
                throw DomainException.Invalid($"labels[{i}].threshold", "threshold is a confidence from 0 to 1.");
            }

            if (label.WindowMinutes is < 1 or > 10_080)
            {
                throw DomainException.Invalid($"labels[{i}].windowMinutes", "windowMinutes is from 1 to 10080 (a week).");
            }

            var category = await categories.GetAsync(label.Category?.Trim() ?? "")
                ?? throw DomainException.Invalid($"labels[{i}].category", $"'{label.Category}' is not a category of district {District}.");
            checkedLabels[i] = label with { Label = text, Category = category.Code };
        }

        return checkedLabels;
    }

    private static string Text(string? value, string field, int max)
    {
        var text = value?.Trim() ?? "";
        return text.Length is 0 || text.Length > max
            ? throw DomainException.Invalid(field, $"{field} is 1 to {max} characters.")
            : text;
    }
}
