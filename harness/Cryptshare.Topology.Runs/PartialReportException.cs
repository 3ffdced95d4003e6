namespace Cryptshare.Topology.Runs;

/// <summary>
/// A verb was stopped (by a signal) after it wrote what it had: <see cref="ReportPath"/> holds the
/// part done, marked incomplete. The exit code and paragraph are those of
/// <see cref="Exception.InnerException"/>, what stopped it.
/// </summary>
public sealed class PartialReportException(string reportPath, Exception cause)
    : Exception($"{cause.Message}; what was done before is in {reportPath}, marked incomplete", cause)
{
    public string ReportPath { get; } = reportPath;
}
