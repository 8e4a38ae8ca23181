using MudBlazor;

namespace Embeddings.Admin.Components.Layout;

/// <summary>The dashboard's palette: one place to change the look.</summary>
internal static class AdminTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
        },
    };
}
