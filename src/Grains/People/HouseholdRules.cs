using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;

namespace GridGov.Grains.People;

/// <summary>The rules a household's address and residents follow; the household grain is the only one that applies them.</summary>
internal static class HouseholdRules
{
    public const int MaxResidents = 50;
    public const int MaxTags = 20;

    /// <summary>Residents compare by value, their care tags by content.</summary>
    public static bool SameResident(Resident a, Resident b) =>
        a with { CareTags = [] } == b with { CareTags = [] } && a.CareTags.SequenceEqual(b.CareTags);

    public static async Task ValidateAddressAsync(string id, HouseholdAddress address, KnownNodes nodes, IGrainFactory grains)
    {
        if (!TerritoryCode.IsValid(address.GridCode) || TerritoryCode.LevelOf(address.GridCode) != TerritoryLevel.Grid
            || DistrictCode.Of(address.GridCode) != DistrictCode.Of(id))
        {
            throw DomainException.Invalid("gridCode", $"gridCode is a 15-digit comprehensive grid of district {DistrictCode.Of(id)}.");
        }

        if (!await nodes.IsOpenAsync(grains, address.GridCode))
        {
            throw DomainException.Invalid("gridCode", $"Grid {address.GridCode} does not exist or is retired (re-gridded: name its successor).");
        }

        if (address.MicroGridCode is { } micro)
        {
            if (!TerritoryCode.IsValid(micro) || TerritoryCode.LevelOf(micro) != TerritoryLevel.MicroGrid || TerritoryCode.ParentOf(micro) != address.GridCode)
            {
                throw DomainException.Invalid("microGridCode", $"microGridCode is a 17-digit micro-grid of grid {address.GridCode}.");
            }

            if (!await nodes.IsOpenAsync(grains, micro))
            {
                throw DomainException.Invalid("microGridCode", $"Micro-grid {micro} does not exist or is retired.");
            }
        }

        Validation.Text(address.Building, "building", 32);
        Validation.Text(address.Room, "room", 16);
        if (address.Unit is not null)
        {
            Validation.Text(address.Unit, "unit", 16);
        }
    }

    /// <summary>The residents checked and cleaned (trimmed, tags sorted and unique); <paramref name="year"/> is this year.</summary>
    public static List<Resident> Residents(string id, IReadOnlyList<Resident> residents, int year)
    {
        if (residents.Count > MaxResidents)
        {
            throw DomainException.Invalid("residents", $"At most {MaxResidents} residents.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < residents.Count; i++)
        {
            var r = residents[i];
            if (!PeopleIds.IsValid(r.Id, "R") || DistrictCode.Of(r.Id) != DistrictCode.Of(id))
            {
                throw DomainException.Invalid($"residents[{i}].id", $"A resident id is of the form {DistrictCode.Of(id)}-R{{id}}.");
            }

            if (!ids.Add(r.Id))
            {
                throw DomainException.Invalid($"residents[{i}].id", $"Resident {r.Id} appears twice.");
            }

            Validation.Text(r.Name, $"residents[{i}].name", 50);
            Validation.Text(r.Relation, $"residents[{i}].relation", 20);
            if (r.BirthYear < 1900 || r.BirthYear > year)
            {
                throw DomainException.Invalid($"residents[{i}].birthYear", $"birthYear is from 1900 to {year}.");
            }

            Validation.Tags(r.CareTags, $"residents[{i}].careTags", MaxTags);
        }

        return residents.Select(r => r with { Name = r.Name.Trim(), Relation = r.Relation.Trim(), CareTags = Validation.Tags(r.CareTags, "careTags", MaxTags) }).ToList();
    }
}
