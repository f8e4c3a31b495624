namespace GridGov.Grains.People;

/// <summary>The stored state of a workflow grain: the workflow it has decided and not yet finished, if any.</summary>
[GenerateSerializer, Alias("gridgov.workflow-state`1")]
internal sealed class WorkflowState<T>
    where T : class
{
    [Id(0)] public T? Pending { get; set; }
}
