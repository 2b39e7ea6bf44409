import { $, PAGES, setUpPage } from "./common/page.js";

const ABOUT: Record<(typeof PAGES)[number][0], string> = {
  classify: "a small MLP separates spirals, circles, XOR or your own points; its decision regions move as it learns",
  mnist: "the seed's CNN learns the embedded MNIST digits; draw a digit and see its probabilities, filters, activations and saliency",
  text: "a character-level GPT learns Moby-Dick and writes text token by token",
  rl: "PPO learns to balance CartPole; watch the episode returns climb and the pole stay up",
  graph: "a GCN learns Zachary's karate club from four labelled members; its 2-D node embeddings move as it trains",
  load: "drop a model saved by `tensorgrad train --save` (a folder or a .keras file) and run it",
};
const state = setUpPage("index");
$("pages").innerHTML = PAGES.map(([id, title]) => `<li><a href="./${id}.html">${title}</a>: ${ABOUT[id]}</li>`).join("");
state.status = "ready";
