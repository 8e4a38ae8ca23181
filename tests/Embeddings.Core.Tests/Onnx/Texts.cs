namespace Embeddings.Core.Tests.Onnx;

/// <summary>Inputs of very different lengths, for padding tests.</summary>
internal static class Texts
{
    public const string Paragraph =
        "The committee met on Tuesday to review the proposal for a new public library in the town centre. " +
        "Several members argued that the existing building could be renovated at a lower cost, while others " +
        "pointed out that the new site would be easier to reach by bus and would offer more space for children's " +
        "programmes, study rooms and a small theatre. After a long discussion, they agreed to ask an independent " +
        "surveyor for a detailed estimate of both options before the next meeting in March.";

    public static IReadOnlyList<string> Mixed { get; } =
    [
        "Hi.",
        "A man is playing a guitar.",
        "The weather is lovely today, so we are going for a walk along the river.",
        Paragraph,
        "Machine learning models turn text into vectors.",
        "Cats sleep a lot.",
        "How do I reset my password if I no longer have access to my email address?",
        "Café au lait, s'il vous plaît.",
        "東京は日本の首都です。",
        "Emoji are fine too 🎉🚀",
        "Short",
        Paragraph + " " + Paragraph,
        "The quick brown fox jumps over the lazy dog.",
        "Add two cups of flour, one egg and a pinch of salt, then stir until smooth.",
        "Why is the sky blue?",
        "Please find attached the quarterly report.",
        "Water boils at one hundred degrees Celsius at sea level.",
        "Она читает книгу.",
        "The train to Edinburgh leaves from platform four at half past nine.",
        "OK",
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "She sells sea shells by the sea shore.",
        "Our servers were down for about twenty minutes this morning because of a faulty network switch; everything works again.",
        "Yes",
        "A long time ago in a galaxy far, far away.",
        "Remember to water the plants while I am away next week.",
        "The museum opens at ten and closes at six, except on Mondays.",
        "¿Dónde está la biblioteca?",
        "Error: connection refused",
        "Tea or coffee?",
        "It rained all day, and the match was cancelled.",
        "Vectors with unit length make cosine similarity a dot product.",
    ];
}
