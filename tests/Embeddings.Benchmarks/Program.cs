// Benchmark entry point: the first argument picks a mode; each mode lives in its own file.
var modes = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["raw"] = Embeddings.Benchmarks.RawOnnxBenchmark.RunAsync,
};
modes.Add("scheduler", SchedulerBenchmark.RunAsync);
modes.Add("http", Embeddings.Benchmarks.Http.HttpBenchmark.RunAsync);
modes.Add("soak", Embeddings.Benchmarks.Http.SoakBenchmark.RunAsync);
modes.Add("cache", Embeddings.Benchmarks.Http.CacheBenchmark.RunAsync);
modes.Add("request-cost", RequestCostBenchmark.RunAsync);
modes.Add("models", Embeddings.Benchmarks.Http.ModelsBenchmark.RunAsync);
modes.Add("target", Embeddings.Benchmarks.Http.TargetBenchmark.RunAsync);
modes.Add("int8-recipes", Embeddings.Benchmarks.Int8RecipesBenchmark.RunAsync);

if (args.Length == 0 || !modes.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Embeddings.Benchmarks <{string.Join('|', modes.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);
