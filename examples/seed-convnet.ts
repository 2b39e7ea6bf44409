/**
 * The seed's PyTorch ConvNet, written as a tensorgrad user writes it: Conv2d(1,6,3) → ReLU → 2×2 max
 * pool → Conv2d(6,16,3) → ReLU → pool → 120 → 84 → 10 logits, for 28×28 grey digits. The one
 * definition that cnn-mnist.ts, ddp-mnist.ts and the benchmarks train (seed/b2-pytorch-cnn.ts keeps
 * the seed's program whole).
 */
import * as tg from "tensorgrad";

const { nn } = tg;
const F = nn.functional;

export class ConvNet extends nn.Module<[tg.Tensor], tg.Tensor> {
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  forward(input: tg.Tensor): tg.Tensor {
    let x = F.maxPool2d(this.conv1.forward(input).relu(), 2); // (N, 6, 13, 13)
    x = F.maxPool2d(this.conv2.forward(x).relu(), 2); // (N, 16, 5, 5)
    x = this.fc2.forward(this.fc1.forward(x.flatten(1)).relu()).relu();
    return this.fc3.forward(x);
  }
}
