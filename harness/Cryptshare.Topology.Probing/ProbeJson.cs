using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Cryptshare.Topology.Probing;

/// <summary>
/// The wire format between the harness and the probe agent: camelCase, enums as the words of their
/// <c>JsonStringEnumMemberName</c>, absent fields for nulls, and strict on input (a missing required
/// field or a null where none is allowed is an error, not a default).
/// </summary>
public static class ProbeJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = false,
        // Details are read by people: keep quotes and apostrophes as they are (control characters are still escaped).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Generated code for the contract's own types (no reflection, so the agent can be compiled
        // ahead of time); reflection for anything else a caller serializes with these options.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ProbeJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static string Serialize(ProbeBatch batch) => JsonSerializer.Serialize(batch, Options);

    /// <summary>Parses a batch; <see cref="JsonException"/> names the path of what is wrong.</summary>
    public static ProbeBatch DeserializeBatch(string json) =>
        JsonSerializer.Deserialize<ProbeBatch>(json, Options) ?? throw new JsonException("the probe batch is null");

    /// <summary>One result as one line of JSON (no line breaks inside).</summary>
    public static string SerializeLine(ProbeResult result) => JsonSerializer.Serialize(result, Options);

    public static ProbeResult DeserializeResult(string line) =>
        JsonSerializer.Deserialize<ProbeResult>(line, Options) ?? throw new JsonException("a probe result line is null");

    /// <summary>A stop command as one line of JSON (what the harness writes to an agent serving batches).</summary>
    public static string SerializeLine(ProbeStop stop) => JsonSerializer.Serialize(stop, Options);

    public static ProbeStop DeserializeStop(string line) =>
        JsonSerializer.Deserialize<ProbeStop>(line, Options) ?? throw new JsonException("a stop command is null");

    /// <summary>Every non-empty line of the agent's stdout as a result.</summary>
    public static IReadOnlyList<ProbeResult> ParseResults(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(DeserializeResult)
            .ToList();
}
