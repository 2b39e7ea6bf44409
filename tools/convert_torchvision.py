#!/usr/bin/env python3
"""Converts a torchvision checkpoint into a safetensors file that tg.vision.models loads by name:

    python tools/convert_torchvision.py resnet18-f37072fd.pth resnet18.safetensors [--arch resnet18]

then, in TypeScript:

    const model = tg.vision.models.resnet18({ numClasses: 1000 });
    model.loadStateDict(tg.io.loadSafetensors("resnet18.safetensors"));

tg.vision.models uses torchvision's module names, so the state dict is written as it is: unwrapped
from {"state_dict": …} / {"model": …} checkpoints and from DataParallel's "module." prefix, every
tensor made contiguous. With --arch (torchvision's name, e.g. resnet50 or wide_resnet50_2) the
checkpoint is first loaded strictly into that torchvision model, so a checkpoint of another
architecture is refused here rather than in TypeScript. Needs torch, safetensors and (for --arch)
torchvision.
"""
import argparse
import sys

import torch
from safetensors.torch import save_file


def state_dict_of(checkpoint):
    if isinstance(checkpoint, torch.nn.Module):
        return checkpoint.state_dict()
    for key in ("state_dict", "model"):
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
    if not isinstance(checkpoint, dict) or not all(isinstance(v, torch.Tensor) for v in checkpoint.values()):
        sys.exit("convert_torchvision: the file holds no state dict (a dict of tensors)")
    return {k.removeprefix("module."): v for k, v in checkpoint.items()}


def check_architecture(state, arch):
    import torch.library

    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)  # the models need no compiled ops
    from torchvision import models

    num_classes = state["fc.weight"].shape[0] if "fc.weight" in state else 1000
    model = getattr(models, arch)(num_classes=num_classes)
    model.load_state_dict(state, strict=True)  # raises, naming the missing and unexpected keys


def main():
    p = argparse.ArgumentParser(description="torchvision checkpoint → safetensors for tg.vision.models")
    p.add_argument("checkpoint")
    p.add_argument("output")
    p.add_argument("--arch", help="torchvision's model name, to check the checkpoint against")
    args = p.parse_args()
    state = state_dict_of(torch.load(args.checkpoint, map_location="cpu", weights_only=False))
    if args.arch:
        check_architecture(state, args.arch)
    save_file({k: v.detach().contiguous() for k, v in state.items()}, args.output, metadata={"source": args.checkpoint})
    print(f"wrote {len(state)} tensors to {args.output}")


if __name__ == "__main__":
    main()
