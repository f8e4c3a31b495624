using System.Net;
using System.Text;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Telemetry;

/// <summary>GridGov's own instruments record what happened, tagged by district or kind, through the API as used.</summary>
[Collection(ApiCollection.Name)]
public sealed class InstrumentTests(ApiFactory api)
{
    [Fact]
    public async Task A_case_counts_as_reported_then_closed_in_its_district_with_its_intake_time_and_stream_lag()
    {
        using var measurements = new GridGovMeasurements();
        using var client = api.CreateOperatorClient();
        var land = new Live.Territory(Fresh.District());
        await land.ImportAsync(client);

        var id = await land.ReportAsync(client);
        Assert.Equal(1, measurements.Total("gridgov.cases.reported", land.District));
        Assert.Equal(1, measurements.Total("gridgov.cases.intake.duration", land.District));
        foreach (var (action, body) in new[] { ("file", "{}"), ("dispatch", """{"assignee":"w-1"}"""), ("accept", "{}"), ("resolve", "{}"), ("verify", "{}") })
        {
            await Live.Territory.ActAsync(client, id, action, body);
        }

        Assert.Equal(1, measurements.Total("gridgov.cases.closed", land.District));
        Assert.Equal(1, measurements.Total("gridgov.cases.reported", land.District));
        await Eventually.TrueAsync(
            () => Task.FromResult(measurements.Total("gridgov.cases.stream.lag") >= 6), "the grid's view to apply the case's six events");
    }

    [Fact]
    public async Task Import_rows_are_counted_by_kind()
    {
        using var measurements = new GridGovMeasurements();
        using var client = api.CreateOperatorClient();
        var land = new Live.Territory(Fresh.District());
        await land.ImportAsync(client);

        var csv = $"""
            household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags
            m-1,{land.GridA},,1,,101,A,male,1970,head,registered,,,
            m-1,{land.GridA},,1,,101,B,female,1972,spouse,registered,,,
            m-2,{land.GridA},,1,,102,C,male,1980,head,registered,,,
            """;
        var response = await client.PostAsync("/api/v1/households/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(3L, (await response.AssertOkAsync(HttpStatusCode.OK)).GetProperty("rows").GetInt64());
        // Other tests import at the same time: at least this import's rows.
        Assert.True(measurements.Total("gridgov.imports.rows", "households") >= 3, "the three rows were not counted");
    }
}
