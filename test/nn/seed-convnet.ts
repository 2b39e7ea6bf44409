/** The seed's PyTorch ConvNet, written as a tensorgrad user would write it. */
import * as tg from "../../src/index.js";

const { nn } = tg;
const F = nn.functional;

export class SeedConvNet extends nn.Module<[tg.Tensor], tg.Tensor> {
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  forward(input: tg.Tensor): tg.Tensor {
    let x = F.maxPool2d(this.conv1.forward(input).relu(), [2, 2]);
    x = F.maxPool2d(this.conv2.forward(x).relu(), 2);
    x = x.flatten(1);
    x = this.fc1.forward(x).relu();
    x = this.fc2.forward(x).relu();
    return this.fc3.forward(x);
  }
}
