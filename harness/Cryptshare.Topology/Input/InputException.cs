namespace Cryptshare.Topology.Input;

/// <summary>
/// Bad input: names the file, the line (1-based, 0 when unknown) and the problem, in the form
/// compilers use (<c>file:line: problem</c>) so editors and CI logs link to it. The message never
/// carries a control character or escape sequence from the input (see <see cref="Printable"/>).
/// </summary>
public sealed class InputException(string file, int line, string problem)
    : Exception(Printable.Strip(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}"))
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string Problem { get; } = problem;
}
