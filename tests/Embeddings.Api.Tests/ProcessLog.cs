using System.Text;

namespace Embeddings.Api.Tests;

/// <summary>Reads an API process's console log as it comes and keeps the entries that mean a caller got a 500
/// (<c>ErrorTable</c>'s "Unexpected error"), each with its exception and stack.</summary>
internal sealed class ProcessLog
{
    private const string Marker = "Unexpected error answering";
    private readonly Lock _lock = new();
    private readonly List<string> _unexpected = [];
    private readonly StringBuilder _entry = new();

    /// <summary>One line of output (null at its end). The console logger starts an entry unindented ("fail: Category[id]")
    /// and indents the message and the exception under it.</summary>
    public void Add(string? line)
    {
        lock (_lock)
        {
            if (line is null || (line.Length > 0 && !char.IsWhiteSpace(line[0])))
            {
                EndEntry();
            }

            if (line is not null)
            {
                _entry.AppendLine(line);
            }
        }
    }

    /// <summary>Every entry so far that reported a 500.</summary>
    public IReadOnlyList<string> Unexpected()
    {
        lock (_lock)
        {
            EndEntry();
            return [.. _unexpected];
        }
    }

    private void EndEntry()
    {
        var entry = _entry.ToString();
        if (entry.Contains(Marker, StringComparison.Ordinal))
        {
            _unexpected.Add(entry);
        }

        _entry.Clear();
    }
}
