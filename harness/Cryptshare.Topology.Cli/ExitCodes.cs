namespace Cryptshare.Topology.Cli;

/// <summary>What the tool's exit code means, for scripts and CI.</summary>
internal static class ExitCodes
{
    /// <summary>Every observed verdict matched its expectation.</summary>
    public const int Matched = 0;

    /// <summary>At least one flow's observed verdict differs from its expectation.</summary>
    public const int Mismatch = 1;

    /// <summary>Bad input: a file, line and problem were printed; nothing was started.</summary>
    public const int BadInput = 2;

    /// <summary>No Docker engine answers.</summary>
    public const int NoEngine = 3;

    /// <summary>The harness itself failed (an image did not build, the topology's own routing broke); the message says what.</summary>
    public const int HarnessFailure = 4;
}
