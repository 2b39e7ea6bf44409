/**
 * Graph auto-encoders (Kipf & Welling 2016): an encoder maps nodes to z, an inner-product decoder
 * scores a pair as σ(z_i·z_j); GAE trains on reconstruction of the edges, VGAE adds a Gaussian
 * latent with a KL term. As PyG's `nn.GAE` / `nn.VGAE`.
 */
import { ValueError } from "../../base/errors.js";
import { noGrad } from "../../ops/grad-mode.js";
import type { Tensor } from "../../ops/tensor.js";
import { randnLike } from "../../ops/creation.js";
import { clamp } from "../../ops/elementwise.js";
import { cat } from "../../ops/movement.js";
import { Module } from "../../nn/module.js";
import { averagePrecisionScore, rocAucScore } from "../metrics.js";
import { negativeSampling } from "../utils/sampling.js";

const EPS = 1e-15;
const MAX_LOGSTD = 10;

export class InnerProductDecoder extends Module<[z: Tensor, edgeIndex: Tensor, sigmoid?: boolean], Tensor> {
  /** σ(z_i·z_j) for every edge (i, j) given. */
  forward(z: Tensor, edgeIndex: Tensor, sigmoid = true): Tensor {
    const v = z.indexSelect(0, edgeIndex.select(0, 0)).mul(z.indexSelect(0, edgeIndex.select(0, 1))).sum(1);
    return sigmoid ? v.sigmoid() : v;
  }

  /** The dense matrix σ(Z·Zᵀ) over all pairs. */
  forwardAll(z: Tensor, sigmoid = true): Tensor {
    const adj = z.matmul(z.t());
    return sigmoid ? adj.sigmoid() : adj;
  }
}

type Encoder = Module<any[], any>;

export class GAE<E extends Encoder = Encoder> extends Module<Parameters<E["forward"]>, ReturnType<E["forward"]>> {
  readonly decoder: Module<[z: Tensor, edgeIndex: Tensor, sigmoid?: boolean], Tensor> & { forwardAll?: (z: Tensor, sigmoid?: boolean) => Tensor };

  constructor(readonly encoder: E, decoder: GAE["decoder"] | null = null) {
    super();
    this.decoder = decoder ?? new InnerProductDecoder();
  }

  forward(...args: Parameters<E["forward"]>): ReturnType<E["forward"]> {
    return this.encoder.forward(...args) as ReturnType<E["forward"]>;
  }

  encode(...args: Parameters<E["forward"]>): Tensor {
    return this.encoder.forward(...args) as Tensor;
  }

  decode(z: Tensor, edgeIndex: Tensor, sigmoid = true): Tensor {
    return this.decoder.forward(z, edgeIndex, sigmoid);
  }

  /** −log σ on the positive edges plus −log(1 − σ) on negatives (sampled when not given). */
  reconLoss(z: Tensor, posEdgeIndex: Tensor, negEdgeIndex: Tensor | null = null): Tensor {
    const pos = this.decoder.forward(z, posEdgeIndex, true).add(EPS).log().neg().mean();
    const neg = negEdgeIndex ?? negativeSampling(posEdgeIndex, { numNodes: z.shape[0]! });
    return pos.add(this.decoder.forward(z, neg, true).neg().add(1 + EPS).log().neg().mean());
  }

  /** [ROC AUC, average precision] of telling the positive edges from the negative ones. */
  test(z: Tensor, posEdgeIndex: Tensor, negEdgeIndex: Tensor): [auc: number, ap: number] {
    return noGrad(() => {
      const scores = cat([this.decoder.forward(z, posEdgeIndex, true), this.decoder.forward(z, negEdgeIndex, true)], 0).dataSync();
      const labels = Float32Array.from(scores, (_, i) => +(i < posEdgeIndex.shape[1]!));
      return [rocAucScore(labels, scores), averagePrecisionScore(labels, scores)];
    });
  }
}

/** The encoder returns [mu, logstd]; encode samples z = mu + ε·exp(logstd) in training, mu in eval. */
export class VGAE<E extends Encoder = Encoder> extends GAE<E> {
  private mu: Tensor | null = null;
  private logstd: Tensor | null = null;

  override encode(...args: Parameters<E["forward"]>): Tensor {
    const out = this.encoder.forward(...args) as unknown;
    if (!Array.isArray(out) || out.length !== 2) throw new ValueError("VGAE: the encoder must return [mu, logstd]");
    this.mu = out[0] as Tensor;
    this.logstd = clamp(out[1] as Tensor, null, MAX_LOGSTD);
    return this.training ? this.mu.add(randnLike(this.mu).mul(this.logstd.exp())) : this.mu;
  }

  /** KL(q(z|x) ‖ N(0, I)), averaged over nodes; defaults to the last encode's mu and logstd. */
  klLoss(mu: Tensor | null = null, logstd: Tensor | null = null): Tensor {
    const m = mu ?? this.mu;
    const s = logstd === null ? this.logstd : clamp(logstd, null, MAX_LOGSTD);
    if (!m || !s) throw new ValueError("VGAE.klLoss: call encode first or pass mu and logstd");
    return s.mul(2).add(1).sub(m.square()).sub(s.exp().square()).sum(1).mean().mul(-0.5);
  }
}
