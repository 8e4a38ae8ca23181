using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Embeddings.Api.Tests;

[Collection(SharedApiCollection.Name)]
public sealed partial class MetricsTests(SharedApi api) : OnSharedApi(api)
{
    [Fact]
    public async Task Metrics_parse_as_Prometheus_text_and_move_as_requests_are_served()
    {
        var before = await ScrapeAsync();

        using (var response = await Api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative),
                   Json.Body(new { inputs = new[] { $"metrics one {Guid.NewGuid()}", $"metrics two {Guid.NewGuid()}" } })))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }

        using (var response = await Api.Client.PostAsync(new Uri($"/embed/{ApiFactory.MiniLm}", UriKind.Relative), Json.Body("{}")))
        {
            Assert.Equal(400, (int)response.StatusCode);
        }

        var after = await ScrapeAsync();
        const string model = "model=\"all-minilm-l6-v2\"";
        double Moved(string series) => Value(after, series) - Value(before, series);
        Assert.Equal(1, Moved($"embeddings_requests_total{{{model},status=\"200\"}}"));
        Assert.Equal(1, Moved($"embeddings_requests_total{{{model},status=\"400\"}}"));
        Assert.Equal(2, Moved($"embeddings_request_duration_seconds_count{{{model}}}"));
        Assert.Equal(2, Moved($"embeddings_cache_requests_total{{{model},result=\"miss\"}}"));
        Assert.Equal(0, Moved($"embeddings_cache_requests_total{{{model},result=\"hit\"}}"));
        Assert.Equal(2, Moved($"embeddings_inputs_total{{{model}}}"));
        Assert.Equal(2, Moved($"embeddings_completed_total{{{model}}}"));
        Assert.Equal(2, Moved($"embeddings_batch_size_sum{{{model}}}"));
        Assert.Equal(2, Moved($"embeddings_queue_wait_seconds_count{{{model}}}"));
        var batches = Moved($"embeddings_batches_total{{{model}}}");
        Assert.InRange(batches, 1, 2);
        Assert.Equal(batches, Moved($"embeddings_batch_size_count{{{model}}}"));
        Assert.Equal(batches, Moved($"embeddings_inference_duration_seconds_count{{{model}}}"));
        Assert.Equal(Moved($"embeddings_inference_duration_seconds_sum{{{model}}}"), Moved($"embeddings_slot_seconds_total{{{model}}}"), 6);
        Assert.Equal(Api.Factory.Processor.InferenceSlots, Value(after, "embeddings_inference_slots"));
        Assert.Equal(0, Value(after, $"embeddings_slots_held{{{model}}}"));
        Assert.Equal(batches, Moved($"embeddings_padding_efficiency_count{{{model}}}"));
        Assert.Equal(0, Value(after, $"embeddings_queue_depth{{{model}}}"));
        Assert.Equal(Value(after, $"embeddings_batch_size_count{{{model}}}"), Value(after, $"embeddings_batch_size_bucket{{{model},le=\"+Inf\"}}"));

        // /models reads the same numbers.
        using var info = await Api.Client.GetAsync(new Uri($"/models/{ApiFactory.MiniLm}", UriKind.Relative));
        var stats = (await Json.ReadAsync(info))["stats"]!;
        Assert.Equal(Value(after, $"embeddings_inputs_total{{{model}}}"), stats["inputs"]!.GetValue<long>());
        Assert.Equal(Value(after, $"embeddings_batches_total{{{model}}}"), stats["batches"]!.GetValue<long>());
    }

    /// <summary>Parses the text exposition format strictly: every sample line is name{labels} value.</summary>
    private async Task<Dictionary<string, double>> ScrapeAsync()
    {
        using var response = await Api.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(CommentLine(), line);
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            samples[match.Groups["series"].Value] = double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    [Fact]
    public async Task A_model_shows_the_replica_s_slots_and_its_use_of_them()
    {
        var model = (await Api.Client.GetFromJsonAsync<System.Text.Json.Nodes.JsonNode>(new Uri($"/models/{ApiFactory.MiniLm}", UriKind.Relative)))!;

        var slots = model["slots"]!;
        var total = Api.Factory.Processor.InferenceSlots;
        Assert.Equal(total, slots["total"]!.GetValue<int>());
        Assert.Equal(0, slots["held"]!.GetValue<int>()); // nothing runs between requests
        Assert.Equal(Math.Min(total, model["batching"]!["maxConcurrentBatches"]!.GetValue<int>()), slots["cap"]!.GetValue<int>());
    }

    private static double Value(Dictionary<string, double> samples, string series) => samples.GetValueOrDefault(series);

    [GeneratedRegex("^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex CommentLine();

    [GeneratedRegex("^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})?) (?<value>[-+]?([0-9.]+([eE][-+]?[0-9]+)?|Inf|NaN))( [0-9]+)?$")]
    private static partial Regex SampleLine();
}
