"""Oracle for the encoder parity tests: builds a torchvision 0.14 model with random weights
(no downloads), saves its state dict as torchvision distributes weights, and records a fixed
random input and the model's features for it.

usage: make_encoder_parity.py MODEL OUT_DIR
  MODEL: vgg16 | resnet50 | inception_v3
writes OUT_DIR/MODEL.pth (resnet50 also MODEL.legacy.pth, torch's pre-1.6 format), OUT_DIR/MODEL.input.f32 and OUT_DIR/MODEL.features*.f32 (raw
little-endian float32, row-major) and OUT_DIR/MODEL.json (shapes, seconds spent).
"""
import json
import sys
import time

import torch
import torchvision


def randomise_batch_norms(model, size, generator):
    # Fresh BatchNorm2d layers hold mean 0, variance 1, weight 1, bias 0: a loader that mixed up
    # or skipped those keys would still match. Random affine parameters, and running statistics
    # measured on one random batch (as training would leave them), make every key count and keep
    # the deep networks' activations near unit scale instead of growing layer by layer.
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for m in norms:
            m.weight.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.bias.copy_(torch.rand(m.num_features, generator=generator) * 0.2 - 0.1)
            m.momentum = None  # cumulative average: one batch sets the statistics outright
        model.train()
        model(torch.randn(2, 3, size, size, generator=generator))
        for m in norms:
            m.momentum = 0.1


def build(name):
    if name == "vgg16":
        return torchvision.models.vgg16(weights=None), 224
    if name == "resnet50":
        return torchvision.models.resnet50(weights=None), 224
    if name == "inception_v3":
        # What inception_v3(weights=...) builds, minus the download: transform_input and the
        # auxiliary classifier on (its keys are in every torchvision Inception v3 checkpoint).
        return torchvision.models.inception_v3(weights=None, aux_logits=True, transform_input=True, init_weights=True), 299
    raise SystemExit(f"unknown model '{name}'")


def features(name, model, x):
    if name == "vgg16":
        # fc7 after its ReLU: classifier[:5] = Linear, ReLU, Dropout, Linear, ReLU.
        h = torch.flatten(model.avgpool(model.features(x)), 1)
        return model.classifier[:5](h)
    if name == "resnet50":
        h = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        h = model.layer4(model.layer3(model.layer2(model.layer1(h))))
        return torch.flatten(model.avgpool(h), 1)
    # Inception: swapping fc for Identity leaves the pooled 2,048 features (dropout is off in eval).
    model.fc = torch.nn.Identity()
    return model(x)


def write(path, tensor):
    with open(path, "wb") as f:
        f.write(tensor.detach().contiguous().numpy().astype("<f4").tobytes())


def main():
    name, out = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    torch.manual_seed(0)
    started = time.perf_counter()
    model, size = build(name)
    if name != "vgg16":
        randomise_batch_norms(model, size, torch.Generator().manual_seed(1))
    model.eval()
    torch.save(model.state_dict(), f"{out}/{name}.pth")
    if name == "resnet50":
        # The pre-1.6 (non-zip) format some of torchvision's older files (vgg16-397923af.pth) use.
        torch.save(model.state_dict(), f"{out}/{name}.legacy.pth", _use_new_zipfile_serialization=False)
    saved = time.perf_counter()

    # ImageNet-normalised-looking input: standard normal values.
    x = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(2))
    outputs = {}
    with torch.no_grad():
        outputs["features"] = features(name, model, x)
        if name == "inception_v3":
            model.transform_input = False
            outputs["features_raw"] = model(x)
    ran = time.perf_counter()

    write(f"{out}/{name}.input.f32", x)
    for key, value in outputs.items():
        write(f"{out}/{name}.{key}.f32", value)
    meta = {
        "input": list(x.shape),
        "outputs": {k: list(v.shape) for k, v in outputs.items()},
        "build_and_save_seconds": saved - started,
        "forward_seconds": ran - saved,
    }
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(meta, f)


if __name__ == "__main__":
    main()
