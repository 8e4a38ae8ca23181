using Embeddings.Core.Models;

namespace Embeddings.Core.Tests.Onnx;

[Collection(OnnxModelsCollection.Name)]
public sealed class TokenizationTests(OnnxModelsFixture fixture)
{
    private const int Cls = 101;
    private const int Sep = 102;

    [Fact]
    public void Text_is_lower_cased_and_wrapped_in_cls_and_sep()
    {
        var input = fixture.Model(BuiltInModels.MiniLmId).Tokenize("Hello World", truncate: false);

        Assert.Equal([Cls, 7592, 2088, Sep], input.Ids);
        Assert.False(input.Truncated);
    }

    [Theory]
    [InlineData(BuiltInModels.MiniLmId, 256)]
    [InlineData(BuiltInModels.ArcticXsId, 512)]
    public void A_long_input_is_cut_to_the_limit_keeping_sep_last(string id, int maxTokens)
    {
        var input = fixture.Model(id).Tokenize(LongText, truncate: true);

        Assert.Equal(maxTokens, input.Count);
        Assert.True(input.Truncated);
        Assert.Equal(Cls, input.Ids[0]);
        Assert.Equal(Sep, input.Ids[^1]);
    }

    [Fact]
    public void An_input_exactly_at_the_limit_is_not_truncated()
    {
        var model = fixture.Model(BuiltInModels.MiniLmId);
        var exact = string.Join(' ', Enumerable.Repeat("cat", 254)); // 254 words + [CLS] + [SEP] = 256

        var input = model.Tokenize(exact, truncate: false);

        Assert.Equal(256, input.Count);
        Assert.False(input.Truncated);
        Assert.Throws<InputTooLongException>(() => model.Tokenize(exact + " cat", truncate: false));
    }

    [Fact]
    public void A_long_input_is_refused_with_a_typed_error_when_truncation_is_off()
    {
        var error = Assert.Throws<InputTooLongException>(() => fixture.Model(BuiltInModels.MiniLmId).Tokenize(LongText, truncate: false));

        Assert.Equal(256, error.MaxTokens);
        Assert.True(error.Tokens > 256);
        Assert.Contains(BuiltInModels.MiniLmId, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t ")]
    public void Empty_input_is_refused_clearly(string text)
    {
        var error = Assert.Throws<InvalidInputException>(() => fixture.Model(BuiltInModels.MiniLmId).Tokenize(text, truncate: true));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("😀🎉🚀")]
    [InlineData("\u200b\u200b")]
    public void Visible_input_the_vocabulary_cannot_spell_becomes_unk(string text)
    {
        var input = fixture.Model(BuiltInModels.MiniLmId).Tokenize(text, truncate: true);

        Assert.Equal([Cls, 100, Sep], input.Ids);
    }

    private static string LongText => string.Join(' ', Enumerable.Repeat(Texts.Paragraph, 12));
}
