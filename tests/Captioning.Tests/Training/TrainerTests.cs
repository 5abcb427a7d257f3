using Captioning.Data;
using Captioning.Models;
using Captioning.Training;
using Captioning.Weights;
using Xunit;
using static TorchSharp.torch;

namespace Captioning.Tests.Training;

public sealed class TrainerTests : NativeLeakGuard
{
    private readonly string root = Directory.CreateTempSubdirectory("trainer-").FullName;

    public override void Dispose()
    {
        Directory.Delete(root, recursive: true);
        base.Dispose();
    }

    // Image i shows "word (4 + i % 6)" twice: a caption the features fully determine.
    internal static SplitData Toy(int images, int offset = 0)
    {
        var ids = Enumerable.Range(offset, images).Select(i => $"img{i}").ToList();
        var tokens = new List<int>();
        var offsets = new List<int> { 0 };
        var rows = new List<int>();
        for (var i = 0; i < images; i++)
        for (var c = 0; c < 2; c++)
        {
            var w = 4 + (offset + i) % 6;
            tokens.AddRange(c == 0 ? [w, w] : [w, 10 + c, w]);
            offsets.Add(tokens.Count);
            rows.Add(i);
        }
        var features = new float[images * 6];
        for (var i = 0; i < images; i++) features[i * 6 + (offset + i) % 6] = 1;
        return new SplitData(new EncodedCaptions(ids, tokens.ToArray(), offsets.ToArray(), rows.ToArray()),
            tensor(features, images, 6).DetachFromDisposeScope());
    }

    internal static CaptionModel Model(string arch = "merge")
    {
        TorchRuntime.ManualSeed(7);
        return CaptionModelFactory.Create(new CaptionModelOptions(CaptionModelOptions.ParseArchitecture(arch), 12, 6, 16, 16, 1, Dropout: 0.1));
    }

    internal static Vocabulary ToyVocabulary() => Vocabulary.Build([["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]]);

    internal static readonly TrainingOptions Options = new(Epochs: 6, BatchSize: 8, LearningRate: 0.02, ClipNorm: 5, Seed: 3);

    private (TrainingResult Result, float[] Weights) Train(string folder, TrainingOptions options, SplitData train, SplitData dev,
        Action<Trainer>? configure = null, string arch = "merge")
    {
        using var model = Model(arch);
        new RunFolder(Path.Combine(root, folder)).Initialise(model.Options, options, new RunInputs("toy", "toy", "none", "toy"), ToyVocabulary());
        var trainer = new Trainer();
        configure?.Invoke(trainer);
        var result = trainer.Run(model, train, dev, options, new RunFolder(Path.Combine(root, folder)));
        var weights = model.state_dict().SelectMany(kv => kv.Value.data<float>().ToArray()).ToArray();
        return (result, weights);
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("init-inject")]
    [InlineData("pre-inject")]
    [InlineData("par-inject")]
    public void Run_LearnsCaptionsTheFeaturesDetermine(string arch)
    {
        var train = Toy(24);
        var dev = Toy(6, 24);
        try
        {
            var (result, _) = Train(arch, Options with { Epochs = 25 }, train, dev, arch: arch);
            Assert.Equal(25, result.EpochsRun);
            Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss / 3,
                $"train loss {result.History[0].TrainLoss:F3} -> {result.History[^1].TrainLoss:F3}");
            Assert.True(result.BestValidationLoss < 1.0, $"validation loss {result.BestValidationLoss:F3}");
            var run = new RunFolder(Path.Combine(root, arch));
            Assert.True(run.IsFinished);
            Assert.Equal(26, File.ReadAllLines(run.MetricsCsvPath).Length);
            Assert.StartsWith("epoch,train_loss,val_loss,lr,tokens_per_s,seconds,best", File.ReadAllText(run.MetricsCsvPath));
        }
        finally
        {
            train.Features.Dispose();
            dev.Features.Dispose();
        }
    }

    [Fact]
    public void Resume_AfterCancellationMidEpoch_EqualsUninterruptedRun()
    {
        var train = Toy(24);
        var dev = Toy(6, 24);
        try
        {
            var (full, fullWeights) = Train("full", Options, train, dev);
            // Cancel during epoch 4: epochs 1-3 are kept, epoch 4 is redone on resume.
            using var cancel = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() =>
            {
                using var model = Model();
                var trainer = new Trainer { ProgressEvery = 1 };
                new RunFolder(Path.Combine(root, "resumed")).Initialise(model.Options, Options, new RunInputs("toy", "toy", "none", "toy"), ToyVocabulary());
                trainer.StepCompleted += p => { if (p.Epoch == 4 && p.Step == 2) cancel.Cancel(); };
                trainer.Run(model, train, dev, Options, new RunFolder(Path.Combine(root, "resumed")), cancel.Token);
            });
            var folder = new RunFolder(Path.Combine(root, "resumed"));
            Assert.False(folder.IsFinished);
            Assert.Equal(3, folder.ReadMetrics().Count);
            var (resumed, resumedWeights) = Train("resumed", Options, train, dev);
            Assert.Equal(fullWeights, resumedWeights);
            Assert.Equal(full.History.Select(h => h.ValidationLoss), resumed.History.Select(h => h.ValidationLoss));
            Assert.Equal(full.BestEpoch, resumed.BestEpoch);
            Assert.Contains("resumed after epoch 3", File.ReadAllText(folder.LogPath));
        }
        finally
        {
            train.Features.Dispose();
            dev.Features.Dispose();
        }
    }

    [Fact]
    public void BestCheckpoint_HoldsTheBestEpochAndEarlyStoppingStops()
    {
        var train = Toy(24);
        var dev = Toy(6, 24);
        try
        {
            var (result, _) = Train("early", Options with { Epochs = 60, LearningRate = 0.05, Patience = 2 }, train, dev);
            Assert.Equal("early-stopping", result.StopReason);
            Assert.Equal(result.BestEpoch + 2, result.EpochsRun);
            var run = new RunFolder(Path.Combine(root, "early"));
            Assert.Equal(result.BestEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                SafeTensors.ReadMetadata(run.BestCheckpointPath)["epoch"]);
            using var best = run.LoadModel();
            var loss = Trainer.Evaluate(best, new CaptionBatcher(dev.Captions, new BatcherOptions(8, Shuffle: false)), dev.Features, Options);
            Assert.Equal(result.BestValidationLoss, loss, 5);
        }
        finally
        {
            train.Features.Dispose();
            dev.Features.Dispose();
        }
    }

    [Fact]
    public void NanLoss_StopsAndNamesTheLastGoodCheckpoint()
    {
        var train = Toy(8);
        var dev = Toy(4, 8);
        try
        {
            train.Features.fill_(double.NaN);
            var e = Assert.Throws<TrainingDivergedException>(() => Train("nan", Options, train, dev));
            Assert.Contains("training loss became NaN at epoch 1, step 1", e.Message);
            Assert.Contains("none (no epoch finished)", e.Message);
        }
        finally
        {
            train.Features.Dispose();
            dev.Features.Dispose();
        }
    }

    [Fact]
    public void Presets_ResolveAndUnknownNamesListTheValidOnes()
    {
        Assert.Equal(Architecture.PreInject, TrainingPreset.Find("keras-ic").Model.Architecture);
        Assert.Equal(3, TrainingPreset.KerasIc.Model.Layers);
        Assert.Equal(5.1e-4, TrainingPreset.KerasIc.Training.LearningRate);
        Assert.Equal(20, TrainingPreset.BrownleeMerge.Training.Epochs);
        var e = Assert.Throws<CaptioningException>(() => TrainingPreset.Find("vinyals"));
        Assert.Equal("unknown preset 'vinyals'; valid presets: brownlee-merge, keras-ic, demo", e.Message);
    }
}
