namespace Captioning.Data;

/// <summary>How an image is brought to the encoder's square input size.</summary>
public enum ResizeMode
{
    /// <summary>Resize the shorter side to <see cref="ImagePreprocessOptions.ResizeSize"/>, then centre-crop (torchvision Resize + CenterCrop).</summary>
    ShorterSideThenCenterCrop,
    /// <summary>Resize straight to the crop size, ignoring the aspect ratio (Keras load_img with target_size).</summary>
    Stretch,
}

/// <summary>The resampling filter, each matching the PIL filter of the same name.</summary>
public enum ResizeFilter
{
    /// <summary>Bilinear with antialiasing when shrinking, as PIL's BILINEAR (torchvision's default).</summary>
    Bilinear,
    /// <summary>Bicubic (a = -0.5) with antialiasing when shrinking, as PIL's BICUBIC; the nearest to SkiaSharp's high-quality filter that ML.NET resizes with.</summary>
    Bicubic,
    /// <summary>PIL's NEAREST: source pixel floor((x + 0.5) * in / out) (Keras load_img's default).</summary>
    Nearest,
}

/// <summary>Pixel normalisation expected by an encoder's weights.</summary>
public enum PixelNormalization
{
    /// <summary>RGB scaled to [0, 1], minus ImageNet mean, divided by ImageNet std (torchvision weights).</summary>
    ImageNet,
    /// <summary>RGB to BGR, minus the BGR means [103.939, 116.779, 123.68], no scaling (Keras VGG16/ResNet50 preprocess_input, "caffe" mode).</summary>
    Caffe,
    /// <summary>Scaled to [-1, 1] (Keras InceptionV3 preprocess_input, "tf" mode).</summary>
    MinusOneToOne,
    /// <summary>RGB scaled to [0, 1] only.</summary>
    UnitRange,
    /// <summary>RGB on the 0-255 scale, unchanged (resnet18-mlnet, whose network subtracts its own mean image).</summary>
    Rgb255,
}

/// <summary>Decoding, resizing and normalisation settings for one encoder.</summary>
/// <param name="CropSize">Side of the square tensor the encoder receives.</param>
/// <param name="ResizeSize">Shorter-side target before the crop (only for <see cref="ResizeMode.ShorterSideThenCenterCrop"/>).</param>
/// <param name="Mode">Crop or stretch.</param>
/// <param name="Filter">Resampling filter.</param>
/// <param name="Normalization">Pixel normalisation.</param>
public sealed record ImagePreprocessOptions(int CropSize, int ResizeSize, ResizeMode Mode, ResizeFilter Filter, PixelNormalization Normalization)
{
    /// <summary>torchvision ImageNet evaluation: Resize(256) + CenterCrop(224), ImageNet mean/std.</summary>
    public static ImagePreprocessOptions TorchvisionImageNet { get; } =
        new(224, 256, ResizeMode.ShorterSideThenCenterCrop, ResizeFilter.Bilinear, PixelNormalization.ImageNet);

    /// <summary>The tutorial's Keras VGG16 path: load_img(target_size=(224, 224)) with its nearest filter, caffe preprocess_input.</summary>
    public static ImagePreprocessOptions KerasVgg16 { get; } =
        new(224, 224, ResizeMode.Stretch, ResizeFilter.Nearest, PixelNormalization.Caffe);

    /// <summary>Keras InceptionV3 (keras-image-captioning): 299x299 stretch, scaled to [-1, 1].</summary>
    public static ImagePreprocessOptions KerasInceptionV3 { get; } =
        new(299, 299, ResizeMode.Stretch, ResizeFilter.Nearest, PixelNormalization.MinusOneToOne);

    /// <summary>ImageNet channel means of RGB in [0, 1] (torchvision).</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations of RGB in [0, 1] (torchvision).</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Caffe BGR channel means on the 0-255 scale (Keras preprocess_input).</summary>
    public static IReadOnlyList<float> CaffeBgrMean { get; } = [103.939f, 116.779f, 123.68f];

    /// <summary>Throws a <see cref="CaptioningException"/> for sizes that cannot work.</summary>
    public void Validate()
    {
        if (CropSize < 1) throw new CaptioningException($"image crop size must be positive, got {CropSize}");
        if (Mode == ResizeMode.ShorterSideThenCenterCrop && ResizeSize < CropSize)
            throw new CaptioningException($"resize size {ResizeSize} is smaller than the crop size {CropSize}; the crop must fit inside the resized image");
    }
}
