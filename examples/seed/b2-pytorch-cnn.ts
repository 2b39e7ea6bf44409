/**
 * The seed's B.2 — a PyTorch CNN on MNIST — line for line. torchvision's download becomes the
 * digits embedded in the package (data.EmbeddedMNIST; data.MNIST({root}) reads IDX files);
 * `model(images)` is `model.forward(images)` (modules are objects, not functions, in TypeScript).
 *
 *   npx tsx examples/seed/b2-pytorch-cnn.ts [epochs]
 */
import * as tg from "tensorgrad";

const { nn, optim, data } = tg;
const F = nn.functional;
const numEpochs = Number(process.argv[2] ?? 5);

// load the dataset (transforms.ToTensor's [0, 1] pixels are the datasets' default)
const trainData = new data.EmbeddedMNIST({ train: true });
const testData = new data.EmbeddedMNIST({ train: false });

// data loaders
const trainLoader = new data.DataLoader(trainData, { batchSize: 64, shuffle: true });
const testLoader = new data.DataLoader(testData, { batchSize: 1000, shuffle: false });

class ConvNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  forward(x: tg.Tensor): tg.Tensor {
    x = F.maxPool2d(F.relu(this.conv1.forward(x)), [2, 2]);
    x = F.maxPool2d(F.relu(this.conv2.forward(x)), [2, 2]);
    x = x.view(-1, 16 * 5 * 5);
    x = F.relu(this.fc1.forward(x));
    x = F.relu(this.fc2.forward(x));
    x = this.fc3.forward(x);
    return x;
  }
}

const model = new ConvNet();

const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });

for (let epoch = 0; epoch < numEpochs; epoch++) {
  let runningLoss = 0.0;
  for (const [images, labels] of trainLoader) {
    optimizer.zeroGrad();
    const outputs = model.forward(images);
    const loss = lossFn.forward(outputs, labels);
    loss.backward();
    optimizer.step();
    runningLoss += loss.item();
  }
  console.log(`Epoch ${epoch + 1}, Loss: ${runningLoss / trainLoader.length}`);
}
console.log("Finished Training");

let correct = 0;
let total = 0;
tg.noGrad(() => {
  for (const [images, labels] of testLoader) {
    const outputs = model.forward(images);
    const [, predicted] = tg.max(outputs, 1);
    total += labels.size(0);
    correct += predicted.eq(labels).sum().item();
  }
});

console.log(`Accuracy: ${(100 * correct) / total}%`);
