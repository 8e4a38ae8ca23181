using System.Text.RegularExpressions;

namespace Embeddings.Benchmarks.Corpus;

/// <summary>
/// Real English text with a realistic length mix (a few tokens to about 300), for throughput measurements.
/// Made at run time from the licence texts every Debian system has under /usr/share/common-licenses
/// (nothing is copied into this repository; see README.md beside this file): each paragraph is one item,
/// and so is each of its sentences, shuffled with a fixed seed so every run sees the same order.
/// </summary>
public static partial class BenchmarkCorpus
{
    public const string Folder = "/usr/share/common-licenses";

    public static readonly string[] Files =
        ["Apache-2.0", "Artistic", "BSD", "CC0-1.0", "GFDL-1.3", "GPL-2", "GPL-3", "LGPL-2.1", "LGPL-3", "MPL-2.0"];

    /// <summary>Most words in one item, which keeps paragraphs under about 300 tokens.</summary>
    public const int MaxWords = 220;

    public const int MinWords = 3;

    public static string Source => $"{Folder}/{{{string.Join(',', Files)}}}";

    /// <summary>The whole corpus in a fixed order that depends only on <paramref name="seed"/>.</summary>
    /// <exception cref="FileNotFoundException">A licence text is missing (not a Debian-like system).</exception>
    public static IReadOnlyList<string> Load(int seed = 42)
    {
        var items = new List<string>();
        foreach (var name in Files)
        {
            var path = Path.Combine(Folder, name);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The benchmark corpus is made from {Source}; '{path}' is missing.", path);
            }

            foreach (var block in ParagraphBreak().Split(File.ReadAllText(path)))
            {
                var paragraph = Spaces().Replace(block, " ").Trim();
                var sentences = SentenceBreak().Split(paragraph).Where(IsProse).ToList();
                if (IsProse(paragraph) && sentences.Count > 1)
                {
                    items.Add(paragraph);
                }

                items.AddRange(sentences);
            }
        }

        var random = new Random(seed);
        var shuffled = items.ToArray();
        random.Shuffle(shuffled);
        return shuffled;
    }

    private static bool IsProse(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return words is >= MinWords and <= MaxWords && text.Count(char.IsLetter) > text.Length / 2;
    }

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"(?<=[.!?;:])\s+(?=[A-Z(""])")]
    private static partial Regex SentenceBreak();
}
