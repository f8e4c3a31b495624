using System.Text;
using Xunit.Sdk;

namespace GridGov.Tests.Cluster;

/// <summary>A cluster test failure, with the captured output of every silo process.</summary>
public sealed class ClusterTestFailure(Exception inner, IEnumerable<string> outputs)
    : XunitException(Describe(inner, outputs), inner)
{
    private static string Describe(Exception inner, IEnumerable<string> outputs)
    {
        var text = new StringBuilder();
        text.AppendLine(inner.Message);
        foreach (var output in outputs)
        {
            text.AppendLine().AppendLine(output);
        }

        return text.ToString();
    }
}

/// <summary>
/// The process-based cluster tests: their own collection, so the two tests in it run one after the other (each
/// starts real processes), while the rest of the suite may run in parallel with them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterProcessCollection
{
    public const string Name = "cluster-processes";
}
