using System.Text.Json.Serialization;
using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Reports;

/// <summary>
/// One line of the diagnosis: a flow that is wrong for the user or for security, what the user
/// notices (<see cref="Message"/>), the rule that decided it (<see cref="Rule"/>, or
/// <see cref="Diagnostician.NoRuleRecorded"/>) and the likely change (<see cref="Fix"/>).
/// </summary>
public sealed record DiagnosisLine(
    string FlowId,
    string From,
    int Port,
    Verdict Observed,
    DiagnosisSeverity Severity,
    string Message,
    string Rule,
    string Fix)
{
    /// <summary>The change <see cref="Fix"/> proposes, as it was proven (null where no change is proposed); not written to report.json.</summary>
    [JsonIgnore]
    public ProvenChange? Proven { get; init; }

    /// <summary>Two lines are equal by what they say (the proof behind a fix is not part of the line's value).</summary>
    public bool Equals(DiagnosisLine? other) =>
        other is not null && (FlowId, From, Port, Observed, Severity, Message, Rule, Fix) == (other.FlowId, other.From, other.Port, other.Observed, other.Severity, other.Message, other.Rule, other.Fix);

    public override int GetHashCode() => HashCode.Combine(FlowId, From, Port, Observed, Severity, Message, Rule, Fix);

    /// <summary>The line as a console or log shows it.</summary>
    public override string ToString() =>
        $"{Severity.ToWord()}: {FlowId} from {From} (port {Port}, {Observed.ToWord()}): {Message} Rule: {Rule}. Fix: {Fix}";
}

/// <summary>Which way a flow is wrong. Serialized as the lower-case word.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiagnosisSeverity>))]
public enum DiagnosisSeverity
{
    /// <summary>A flow the deployment needs does not work: users notice.</summary>
    [JsonStringEnumMemberName("blocked")]
    Blocked,

    /// <summary>A flow the documentation says must stay closed is open.</summary>
    [JsonStringEnumMemberName("exposed")]
    Exposed,

    /// <summary>The harness could not route the probe; the result says nothing about the rule set.</summary>
    [JsonStringEnumMemberName("inconclusive")]
    Inconclusive,
}

public static class DiagnosisSeverityWords
{
    public static string ToWord(this DiagnosisSeverity severity) => severity.ToString().ToLowerInvariant();
}
