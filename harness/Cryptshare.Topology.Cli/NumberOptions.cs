using System.CommandLine;

namespace Cryptshare.Topology.Cli;

/// <summary>Options and arguments that take a whole number: a word that is not one, or one out of range, is a usage error naming the option and what to give.</summary>
internal static class NumberOptions
{
    /// <summary>A count from <paramref name="min"/> to <paramref name="max"/>; <paramref name="hint"/> says what to give ("give 1 or more rounds").</summary>
    public static Option<int> Count(string name, string description, int defaultValue, int min, int max, string hint) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError($"{name} {text}: {hint}");
            return defaultValue;
        },
    };

    /// <summary>A run id of the history (a positive number).</summary>
    public static Argument<long> RunId(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (long.TryParse(text, out var id) && id > 0)
            {
                return id;
            }

            result.AddError($"{name} '{text}': not a run id; give the number `run --history` printed or `history` lists");
            return 0;
        },
    };
}
