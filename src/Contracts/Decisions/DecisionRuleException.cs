namespace GridGov.Contracts.Decisions;

/// <summary>
/// A decision refused by one of the rules of 四议两公开 (order, quorum, disclosure period, objections…): the API
/// answers 409 ProblemDetails whose <c>rule</c> member names <see cref="Rule"/> (the rules are listed in docs/party.md).
/// </summary>
[GenerateSerializer, Alias("gridgov.decision-rule-exception")]
public sealed class DecisionRuleException(string rule, string message) : Exception(message)
{
    [Id(0)]
    public string Rule { get; } = rule;
}
