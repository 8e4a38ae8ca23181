using Embeddings.Core.Models;
using Microsoft.ML.Tokenizers;

namespace Embeddings.Core.Onnx;

/// <summary>
/// BERT WordPiece tokenization over a <c>vocab.txt</c>: <c>[CLS] tokens [SEP]</c>, cut to the model's limit
/// (the cut drops tokens from the end of the text and keeps [SEP] last), or refused when truncation is off.
/// Safe to use from several threads at once.
/// </summary>
internal sealed class BertTextTokenizer
{
    private readonly BertTokenizer _tokenizer;

    private BertTextTokenizer(BertTokenizer tokenizer) => _tokenizer = tokenizer;

    public int ClsId => _tokenizer.ClassificationTokenId;

    public int SepId => _tokenizer.SeparatorTokenId;

    public int PadId => _tokenizer.PaddingTokenId;

    public static BertTextTokenizer Load(string vocabPath, bool lowerCase)
    {
        using var vocab = File.OpenRead(vocabPath);
        var tokenizer = BertTokenizer.Create(vocab, new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
            RemoveNonSpacingMarks = lowerCase,
        });
        return new BertTextTokenizer(tokenizer);
    }

    public TokenizedInput Tokenize(string modelId, string text, int maxTokens, bool truncate)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidInputException($"Input for model '{modelId}' is empty or only whitespace.");
        }

        // The whole text is tokenized, then cut: a cut by the tokenizer stops at a word boundary and
        // could leave fewer than maxTokens tokens; cutting the ids matches the reference (Hugging Face) behaviour.
        var pieces = _tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        if (pieces.Count == 0)
        {
            // Visible text the tokenizer drops entirely (it drops emoji, for one): the vocabulary cannot
            // represent it, which BERT spells [UNK]. Whitespace-only input was refused above.
            pieces = [_tokenizer.UnknownTokenId];
        }

        var total = pieces.Count + 2;
        var truncated = false;
        var kept = pieces.Count;
        if (total > maxTokens)
        {
            if (!truncate)
            {
                throw new InputTooLongException(modelId, total, maxTokens);
            }

            kept = maxTokens - 2;
            truncated = true;
        }

        var ids = new int[kept + 2];
        ids[0] = ClsId;
        for (var i = 0; i < kept; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[^1] = SepId;
        return new TokenizedInput(ids, truncated);
    }
}
