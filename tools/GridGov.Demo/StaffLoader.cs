using System.Text.Json;

namespace GridGov.Demo;

/// <summary>A territory node as the API answers it, as far as giving it staff needs: a PUT replaces the whole node.</summary>
internal sealed record NodeView(string Code, string Name, JsonElement? Boundary, IReadOnlyList<StaffBody> Staff, bool Retired);

internal sealed record NodeBody(string Name, JsonElement? Boundary, IReadOnlyList<StaffBody> Staff);

internal sealed record DepartmentBody(string Name, string Contact);

internal sealed record DepartmentView(string Code, string Name, string Contact);

internal sealed record DepartmentList(IReadOnlyList<DepartmentView> Items);

/// <summary>
/// Registers the people and departments the cases are dispatched to. A node is read (for its version, name and
/// boundary, since a PUT replaces the whole node) and given its planned staff with If-Match its version, unless it
/// already has staff: a node someone staffed is left as it is, so a second run writes nothing. Departments are read
/// in one list and written when missing or different.
/// </summary>
internal sealed class StaffLoader(ApiClient api, Report report, int concurrency, CancellationToken cancellationToken)
{
    private const string Api = "/api/v1";

    public Task LoadStaffAsync(IReadOnlyList<NodeStaffPlan> nodes)
    {
        var stage = new Stage("staff", nodes.Count);
        return report.RunAsync(stage, () => Parallel.ForEachAsync(
            nodes,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (node, _) =>
            {
                try
                {
                    stage.Count(await StaffAsync(node));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    stage.Count(report.Fail(node.ToString(), e));
                }
            }), cancellationToken);
    }

    public async Task LoadDepartmentsAsync(IReadOnlyList<DepartmentPlan> departments)
    {
        var stage = new Stage("departments", departments.Count);
        await report.RunAsync(stage, async () =>
        {
            var path = $"{Api}/districts/{DistrictPlan.District}/departments";
            var list = await api.GetAsync(path, cancellationToken);
            if (!list.Ok)
            {
                stage.Count(Outcome.Failed, departments.Count);
                report.Fail(list, "the department registry");
                return;
            }

            var existing = list.Read<DepartmentList>().Items.ToDictionary(d => d.Code, StringComparer.Ordinal);
            foreach (var d in departments)
            {
                if (existing.TryGetValue(d.Code, out var there) && there.Name == d.Name && there.Contact == d.Contact)
                {
                    stage.Count(Outcome.Unchanged);
                    continue;
                }

                var put = await api.PutAsync($"{path}/{d.Code}", new DepartmentBody(d.Name, d.Contact), null, cancellationToken);
                stage.Count(!put.Ok ? report.Fail(put, d.ToString()) : there is null ? Outcome.Created : Outcome.Updated);
            }
        }, cancellationToken);
    }

    private async Task<Outcome> StaffAsync(NodeStaffPlan node)
    {
        var path = $"{Api}/territory/{node.Code}";
        for (var attempt = 1; ; attempt++)
        {
            var read = await api.GetAsync(path, cancellationToken);
            if (!read.Ok)
            {
                return report.Fail(read, node.ToString());
            }

            var current = read.Read<NodeView>();
            if (current.Staff.Count > 0 || current.Retired)
            {
                return Outcome.Unchanged;
            }

            var written = await api.PutAsync(path, new NodeBody(current.Name, current.Boundary, node.Staff), read.Version ?? 0, cancellationToken);
            if (written.Ok)
            {
                return Outcome.Updated;
            }

            // 412: the node changed since it was read; 503: the write may or may not have taken effect. Read again.
            if (written.Status is not (412 or 503) || attempt >= 3)
            {
                return report.Fail(written, node.ToString());
            }
        }
    }
}
