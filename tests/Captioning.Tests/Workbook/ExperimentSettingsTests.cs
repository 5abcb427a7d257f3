using Captioning.Models;
using Captioning.Training;
using Captioning.Workbook;
using Xunit;

namespace Captioning.Tests.Workbook;

public class ExperimentSettingsTests
{
    [Fact]
    public void Defaults_AreTheDemoPresetOnSmallCnnFeatures()
    {
        var settings = new ExperimentSettings();
        Assert.Equal(ExperimentSettings.FromPreset(TrainingPreset.Demo, "small-cnn"), settings);
        Assert.Equal(new ModelShape(Architecture.ParInject, 128, 128, 1, 0.3, 0, MergeCombine.Add, 0), settings.Model("par-inject"));
        Assert.Equal(TrainingPreset.Demo.Training with { Seed = 4 }, settings.Training(4));
        // The tutorial's recipe: 256 units, dropout 0.5 on words and image, Adam 1e-3, no clipping, no schedule.
        Assert.Equal(["embedding 128 → 256", "hidden 128 → 256", "dropout 0.3 → 0.5", "imageDropout 0 → 0.5", "learningRate 0.003 → 0.001", "clipNorm 5 → 0", "plateauPatience 1 → 0"],
            settings.Differences(ExperimentSettings.FromPreset(TrainingPreset.BrownleeMerge, "small-cnn")));
    }

    [Fact]
    public void Key_IsStableForEqualSettingsAndData_AndChangesWithEverySettingAndTheData()
    {
        var settings = new ExperimentSettings();
        var key = settings.Key("data-a");
        Assert.Matches("^[0-9a-f]{12}$", key);
        Assert.Equal(key, new ExperimentSettings().Key("data-a"));
        Assert.NotEqual(key, settings.Key("data-b"));
        ExperimentSettings[] changed =
        [
            settings with { Encoder = "resnet18-mlnet" }, settings with { Embedding = 64 }, settings with { Hidden = 64 }, settings with { Layers = 2 },
            settings with { Dropout = 0.5 }, settings with { ImageDropout = 0.5 }, settings with { LstmDropout = 0.1 }, settings with { Combine = "concat" },
            settings with { Epochs = 21 }, settings with { BatchSize = 32 }, settings with { LearningRate = 1e-3 }, settings with { ClipNorm = 0 },
            settings with { PlateauPatience = 0 }, settings with { PlateauFactor = 0.25 }, settings with { WordVectors = "glove.txt" },
            settings with { WordVectors = "glove.txt", FreezeEmbeddings = true },
        ];
        var keys = changed.Select(s => s.Key("data-a")).Append(key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Theory]
    [InlineData("Embedding", "embedding must be at least 1, got 0")]
    [InlineData("Dropout", "dropout must be in [0, 1), got 1")]
    [InlineData("ImageDropout", "imageDropout must be in [0, 1), got -0.5")]
    [InlineData("Epochs", "epochs must be at least 1, got 0")]
    [InlineData("LearningRate", "learningRate must be positive, got 0")]
    [InlineData("PlateauFactor", "plateauFactor must be in (0, 1), got 1")]
    [InlineData("Freeze", "freezeEmbeddings = true needs wordVectors: frozen random embeddings would never learn the words")]
    public void Validate_NamesTheParameterAndWhatItExpects(string field, string message)
    {
        var bad = field switch
        {
            "Embedding" => new ExperimentSettings(Embedding: 0),
            "Dropout" => new ExperimentSettings(Dropout: 1),
            "ImageDropout" => new ExperimentSettings(ImageDropout: -0.5),
            "Epochs" => new ExperimentSettings(Epochs: 0),
            "LearningRate" => new ExperimentSettings(LearningRate: 0),
            "PlateauFactor" => new ExperimentSettings(PlateauFactor: 1),
            _ => new ExperimentSettings(FreezeEmbeddings: true),
        };
        Assert.Equal(message, Assert.Throws<CaptioningException>(() => bad.Validate()).Message);
    }

    [Fact]
    public void ToJson_RoundTripsThroughRead()
    {
        using var temp = new Data.TempFolder();
        var path = Path.Combine(temp.Path, "settings.json");
        var settings = new ExperimentSettings("resnet18-mlnet", 64, 96, 2, 0.1, 0.2, 0.3, "concat", 7, 16, 5e-4, 1, 2, 0.25, "v.txt", true);
        File.WriteAllText(path, settings.ToJson());
        Assert.Equal(settings, ExperimentSettings.Read(path));
        File.WriteAllText(path, "{");
        Assert.StartsWith($"'{path}' is not valid experiment settings JSON", Assert.Throws<CaptioningException>(() => ExperimentSettings.Read(path)).Message);
    }
}
