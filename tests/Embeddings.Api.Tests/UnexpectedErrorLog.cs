using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Embeddings.Api.Tests;

/// <summary>A logger provider that keeps every "Unexpected error" the API logged: each one is a caller that got a 500,
/// which is a bug whatever the test was looking at.</summary>
public sealed class UnexpectedErrorLog : ILoggerProvider
{
    private const string Marker = "Unexpected error answering";
    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>Every 500 logged since the last call, with its exception; the log is empty afterwards.</summary>
    public IReadOnlyList<string> Take()
    {
        var taken = new List<string>();
        while (_errors.TryDequeue(out var error))
        {
            taken.Add(error);
        }

        return taken;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _errors);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (logLevel >= LogLevel.Error && message.Contains(Marker, StringComparison.Ordinal))
            {
                errors.Enqueue($"{category}: {message}{Environment.NewLine}{exception}");
            }
        }
    }
}
