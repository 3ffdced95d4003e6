using System.CommandLine;
using System.Text.Json;
using Cryptshare.Topology.Reports;
using Spectre.Console;

namespace Cryptshare.Topology.Cli;

/// <summary>
/// What <c>run</c> and <c>analyze</c> print on standard output (<c>--format</c>): the table for
/// people, or one document for a program: <c>json</c> (report.json's schema), <c>tap</c> (TAP
/// version 13, a test point per flow), <c>junit</c> (junit.xml). With a document on standard
/// output, everything else the verb says (phases, diagnosis, report paths) goes to standard error,
/// so that <c>run --format json | jq …</c> reads the report alone.
/// </summary>
internal enum OutputFormat
{
    Table,
    Json,
    Tap,
    Junit,
}

internal static class OutputFormats
{
    public static Option<OutputFormat> Create() => new("--format")
    {
        Description = "What standard output carries: table (for people), json (report.json's schema), tap (TAP 13) or junit (junit.xml). Everything else then goes to standard error.",
        HelpName = "table|json|tap|junit",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Enum.TryParse<OutputFormat>(text, ignoreCase: true, out var format) && Enum.IsDefined(format) && !int.TryParse(text, out _))
            {
                return format;
            }

            result.AddError($"--format {text}: give table, json, tap or junit");
            return OutputFormat.Table;
        },
    };

    /// <summary>
    /// The console for what people read: standard output for the table, standard error when
    /// standard output carries a document.
    /// </summary>
    public static IAnsiConsole HumanConsole(OutputFormat format) =>
        format == OutputFormat.Table ? ConsoleOutput.Create() : ConsoleOutput.CreateForStandardError();

    /// <summary>A run's report as the document <paramref name="format"/> asks for (null for the table).</summary>
    public static string? Document(OutputFormat format, MatrixReport report) => format switch
    {
        OutputFormat.Json => JsonSerializer.Serialize(report, MatrixReport.Json),
        OutputFormat.Tap => TapReport.Build(report),
        OutputFormat.Junit => JUnitReport.Text(JUnitReport.Build(report)),
        _ => null,
    };

    /// <summary>analyze's report as the document <paramref name="format"/> asks for (null for the table).</summary>
    public static string? Document(OutputFormat format, StaticMatrixReport report) => format switch
    {
        OutputFormat.Json => JsonSerializer.Serialize(report, MatrixReport.Json),
        OutputFormat.Tap => TapReport.Build(report),
        OutputFormat.Junit => JUnitReport.Text(JUnitReport.Build(report)),
        _ => null,
    };

    /// <summary>The document on standard output, as it is (no markup, no wrapping), ending in a newline.</summary>
    public static void Print(string document)
    {
        var stdout = Console.Out;
        stdout.Write(document);
        if (!document.EndsWith('\n'))
        {
            stdout.WriteLine();
        }

        stdout.Flush();
    }
}
