using Cryptshare.Topology.Model;

namespace Cryptshare.Topology.Runs.Live;

/// <summary>
/// Where the oracle and the kernel part: the prediction is not what the probe observed, or the
/// kernel's trace names another rule than the oracle. Printed with both rules.
/// </summary>
public sealed record MatrixFinding(string Case, string What, string Oracle, string Kernel)
{
    /// <summary>The findings of one probed case; none when prediction, observation and rules agree.</summary>
    public static IEnumerable<MatrixFinding> Of(AttributedOutcome attributed)
    {
        var (outcome, prediction, kernel) = (attributed.Outcome, attributed.Prediction, attributed.Kernel);
        if (!outcome.Observed.IsTested())
        {
            // Its host failed: nothing was observed to set beside the prediction.
            yield break;
        }

        var oracleSays = prediction.Verdict is { } v ? $"{v.ToWord()}: {prediction.Detail}" : $"no prediction: {prediction.Detail}";
        var kernelSays = kernel is null ? $"no kernel attribution: {attributed.KernelNote}" : $"{Word(kernel.Verdict)}: {kernel.Detail}";
        if (prediction.Verdict is { } predicted && predicted != outcome.Observed)
        {
            yield return new MatrixFinding(outcome.Case.Name, $"predicted {predicted.ToWord()}, observed {outcome.Observed.ToWord()} ({outcome.Detail})", oracleSays, kernelSays);
        }
        else if (prediction.Verdict is not null && !attributed.RulesAgree)
        {
            yield return new MatrixFinding(outcome.Case.Name, "the kernel applied another rule than the oracle names", oracleSays, kernelSays);
        }
    }

    private static string Word(Oracle.PacketVerdict verdict) => verdict.ToString().ToLowerInvariant();
}
