using System.Text.Json.Serialization;

namespace Cryptshare.Topology.Probing;

/// <summary>
/// Enums of the probe contract travel as their words only: a number would silently mean whatever
/// member happens to have that position.
/// </summary>
public sealed class WordEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
