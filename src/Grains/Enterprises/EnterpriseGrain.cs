using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.Enterprises;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Enterprises;

[GenerateSerializer, Alias("gridgov.enterprise-state")]
internal sealed class EnterpriseState
{
    [Id(0)] public EnterpriseSnapshot? Enterprise { get; set; }

    /// <summary>The version whose row the read model holds: a PUT that changes nothing still writes a row a failure left behind.</summary>
    [Id(1)] public long RowVersion { get; set; }

    /// <summary>Set once a deletion is decided: the enterprise is gone for readers, and the next call finishes the deletion.</summary>
    [Id(2)] public bool Deleting { get; set; }
}

/// <summary>
/// An enterprise. It validates everything it stores, whoever called it (a PUT or an import row): its credit code (its
/// key), texts and counts, its location (placed in the grid holding it, through the silo's copy of the district's
/// index) and its Party organization (one of the district's). It writes its state, then its read-model row.
/// </summary>
internal sealed class EnterpriseGrain(
    [PersistentState("enterprise", ProviderNames.MainStorage)] IPersistentState<EnterpriseState> state,
    IEnterpriseReadModel readModel,
    TimeProvider time) : Grain, IEnterpriseGrain
{
    public const int MaxEmployees = 10_000_000;

    private string Id => this.GetPrimaryKeyString();

    private EnterpriseSnapshot? Live => state.State.Deleting ? null : state.State.Enterprise;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Deleting)
        {
            await FinishDeletionAsync();
        }
    }

    async Task<Saved<EnterpriseSnapshot>> IEnterpriseGrain.PutAsync(EnterpriseProfile profile, string actor, long? expectedVersion)
    {
        if (!EnterpriseIds.IsValid(Id))
        {
            throw DomainException.Invalid("id", $"'{Id}' is not an enterprise id {{district}}-{{creditCode}}: {CreditCode.Problem(Id.Length > 7 ? Id[7..] : null)}");
        }

        if (state.State.Deleting)
        {
            await FinishDeletionAsync();
        }

        var existing = state.State.Enterprise;
        if (expectedVersion is { } expected && expected != (existing?.Version ?? 0))
        {
            throw DomainException.Stale(expected, existing?.Version ?? 0);
        }

        var clean = Clean(profile);
        var (grid, micro) = await PlaceAsync(clean);
        await CheckOrganizationAsync(clean.PartyOrganizationId);

        if (existing is not null && existing.Profile == clean && existing.GridCode == grid && existing.MicroGridCode == micro)
        {
            if (state.State.RowVersion < existing.Version)
            {
                await WriteRowAsync(existing);
            }

            return new(existing, SaveOutcome.Unchanged);
        }

        var next = new EnterpriseSnapshot(Id, clean, grid, micro, (existing?.Version ?? 0) + 1, time.GetUtcNow(), actor);
        state.State.Enterprise = next;
        await state.WriteStateAsync();
        await WriteRowAsync(next);
        return new(next, existing is null ? SaveOutcome.Created : SaveOutcome.Updated);
    }

    Task<EnterpriseSnapshot?> IEnterpriseGrain.GetAsync() => Task.FromResult(Live);

    async Task IEnterpriseGrain.DeleteAsync(string actor, long? expectedVersion)
    {
        var current = Live ?? throw DomainException.NotFound($"Enterprise {Id} does not exist.");
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Stale(expected, current.Version);
        }

        // Decided first, so a failure below is finished by the next call or activation rather than leaving a row behind.
        state.State.Deleting = true;
        await state.WriteStateAsync();
        await FinishDeletionAsync();
    }

    private async Task FinishDeletionAsync()
    {
        await readModel.RemoveAsync(Id, CancellationToken.None);
        await state.ClearStateAsync();
    }

    private async Task WriteRowAsync(EnterpriseSnapshot enterprise)
    {
        await readModel.UpsertAsync(enterprise, CancellationToken.None);
        state.State.RowVersion = enterprise.Version;
    }

    /// <summary>The profile trimmed and checked field by field; a bad field is a 400 naming it.</summary>
    private static EnterpriseProfile Clean(EnterpriseProfile p)
    {
        Text(p.Name, "name", 100);
        Text(p.Address, "address", 200);
        Text(p.Industry, "industry", 50);
        if (p.EmployeeCount is < 0 or > MaxEmployees)
        {
            throw DomainException.Invalid("employeeCount", $"employeeCount is from 0 to {MaxEmployees}.");
        }

        if (!double.IsFinite(p.Lat) || p.Lat is < -90 or > 90)
        {
            throw DomainException.Invalid("lat", "lat is a WGS-84 latitude, -90 to 90.");
        }

        if (!double.IsFinite(p.Lon) || p.Lon is < -180 or > 180)
        {
            throw DomainException.Invalid("lon", "lon is a WGS-84 longitude, -180 to 180.");
        }

        if (p.ContactName is not null)
        {
            Text(p.ContactName, "contact.name", 50);
        }

        if (p.ContactPhoneMasked is not null && p.ContactPhoneHash is null)
        {
            throw DomainException.Invalid("contact.phone", "The contact's phone arrives hashed and masked.");
        }

        return p with
        {
            Name = p.Name.Trim(),
            Address = p.Address.Trim(),
            Industry = p.Industry.Trim(),
            ContactName = p.ContactName?.Trim(),
            PartyOrganizationId = string.IsNullOrWhiteSpace(p.PartyOrganizationId) ? null : p.PartyOrganizationId.Trim(),
        };
    }

    private static void Text(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > max)
        {
            throw DomainException.Invalid(field, $"{field} is 1 to {max} characters.");
        }
    }

    /// <summary>The grid (and micro-grid) of the district holding the location; a point outside every grid is refused.</summary>
    private async Task<(string Grid, string? Micro)> PlaceAsync(EnterpriseProfile profile)
    {
        var district = DistrictCode.Of(Id);
        var located = await GrainFactory.GetGrain<ILocatorGrain>(0).LocateAsync(profile.Lat, profile.Lon, district);
        if (located.Grid is not { } grid || DistrictCode.Of(grid.Code) != district)
        {
            throw DomainException.Invalid("lat", $"No grid of district {district} holds the point ({profile.Lat}, {profile.Lon}).");
        }

        return (grid.Code, located.MicroGrid?.Code);
    }

    private async Task CheckOrganizationAsync(string? organizationId)
    {
        if (organizationId is null)
        {
            return;
        }

        var district = DistrictCode.Of(Id);
        if (!PeopleIds.IsValid(organizationId, "PO") || DistrictCode.Of(organizationId) != district
            || await GrainFactory.GetGrain<IPartyOrganizationGrain>(organizationId).GetAsync() is null)
        {
            throw DomainException.Invalid("partyOrganizationId", $"'{organizationId}' is not a Party organization of district {district}.");
        }
    }
}
