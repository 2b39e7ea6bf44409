#!/usr/bin/env python3
"""Writes test/fixtures/rl.json: Gymnasium 1.3's environments stepped from given start states with
given action sequences (every observation, reward, terminated, truncated), the toy-text transition
tables, and torch.distributions' log-probabilities and entropies on fixed parameters.

Run with gymnasium and torch in a virtual environment (the local wheel mirror has both):
  python3 -m venv .venv && .venv/bin/pip install gymnasium torch==2.13.0+cpu
  .venv/bin/python tools/make_rl_fixtures.py
test/rl/gymnasium-parity.test.ts and test/distributions/*.test.ts read it.
"""
import json, os
import numpy as np
import gymnasium as gym
import torch

rng = np.random.RandomState(0)


def trajectory(env_id, start, actions, dtype=np.float64, max_episode_steps=None, **kwargs):
    """Steps the environment from `start` until the actions run out or the episode ends."""
    env = gym.make(env_id, disable_env_checker=True, **({} if max_episode_steps is None else {"max_episode_steps": max_episode_steps}), **kwargs)
    env.reset(seed=0)
    env.unwrapped.state = np.array(start, dtype=dtype)
    steps = []
    for a in actions:
        obs, r, term, trunc, _ = env.step(np.array(a, dtype=np.float32) if isinstance(a, list) else a)
        steps.append({"obs": np.asarray(obs, dtype=np.float64).tolist(), "reward": float(r), "terminated": bool(term), "truncated": bool(trunc)})
        if term or trunc:
            break
    return {"id": env_id, "start": np.array(start, dtype=dtype).astype(np.float64).tolist(), "actions": actions[: len(steps)],
            "maxEpisodeSteps": max_episode_steps, "kwargs": kwargs, "steps": steps}


def starts(n, low, high):
    return [rng.uniform(low, high).tolist() for _ in range(n)]


classic = []
for s in starts(4, [-0.05] * 4, [0.05] * 4) + [[2.3, 0.5, 0.1, -0.3], [0.0, 0.0, -0.2, -1.0]]:
    classic.append(trajectory("CartPole-v1", s, rng.randint(0, 2, 200).tolist()))
classic.append(trajectory("CartPole-v1", [0, 0, 0, 0], [0, 1] * 30, max_episode_steps=25))
classic.append(trajectory("CartPole-v1", [0.01, 0, 0.02, 0], rng.randint(0, 2, 200).tolist(), sutton_barto_reward=True))
for s in starts(3, [-0.6, 0], [-0.4, 0]) + [[-1.19, -0.06], [0.45, 0.06]]:
    classic.append(trajectory("MountainCar-v0", s, rng.randint(0, 3, 120).tolist()))
for s in starts(3, [-0.6, 0], [-0.4, 0]) + [[0.4, 0.05]]:
    classic.append(trajectory("MountainCarContinuous-v0", s, rng.uniform(-1.5, 1.5, (120, 1)).astype(np.float32).tolist()))
for s in starts(3, [-np.pi, -1], [np.pi, 1]) + [[3.0, 7.9]]:
    classic.append(trajectory("Pendulum-v1", s, rng.uniform(-2.5, 2.5, (60, 1)).astype(np.float32).tolist()))
for s in starts(3, [-0.1] * 4, [0.1] * 4) + [[2.5, -2.0, 10.0, -20.0]]:
    classic.append(trajectory("Acrobot-v1", s, rng.randint(0, 3, 80).tolist(), dtype=np.float32))


def table(env_id, **kwargs):
    env = gym.make(env_id, disable_env_checker=True, **kwargs).unwrapped
    P = [[[[float(p), int(s), float(r), bool(t)] for (p, s, r, t) in env.P[s][a]] for a in range(env.action_space.n)] for s in range(env.observation_space.n)]
    return {"id": env_id, "kwargs": kwargs, "P": P, "initial": np.asarray(env.initial_state_distrib, dtype=np.float64).tolist()}


tables = [
    table("FrozenLake-v1"), table("FrozenLake-v1", is_slippery=False), table("FrozenLake-v1", map_name="8x8"),
    table("FrozenLake-v1", success_rate=0.75, reward_schedule=(5, -1, -0.1)),
    table("CliffWalking-v1"), table("CliffWalking-v1", is_slippery=True),
    table("Taxi-v4"), table("Taxi-v4", is_rainy=True),
]

taxi = gym.make("Taxi-v4").unwrapped
taxi_masks = [taxi.action_mask(s).tolist() for s in range(500)]

# torch.distributions on fixed parameters.
torch.manual_seed(0)
logits = torch.randn(5, 4, dtype=torch.float64)
values = torch.randint(0, 4, (5,))
cat = torch.distributions.Categorical(logits=logits)
probs = torch.rand(3, 6, dtype=torch.float64) + 0.05
cat_p = torch.distributions.Categorical(probs=probs)
loc, scale = torch.randn(4, 3, dtype=torch.float64), torch.rand(4, 3, dtype=torch.float64) + 0.1
x = torch.randn(4, 3, dtype=torch.float64)
normal = torch.distributions.Normal(loc, scale)
bl = torch.randn(7, dtype=torch.float64) * 3
bv = torch.randint(0, 2, (7,)).double()
bern = torch.distributions.Bernoulli(logits=bl)
bp = torch.tensor([0.0, 0.2, 0.5, 0.9, 1.0], dtype=torch.float64)
bern_p = torch.distributions.Bernoulli(probs=bp)
bpv = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0], dtype=torch.float64)
distributions = {
    "categorical": {"logits": logits.tolist(), "values": values.tolist(), "logProb": cat.log_prob(values).tolist(), "entropy": cat.entropy().tolist(),
                    "normLogits": cat.logits.tolist(), "probs": probs.tolist(), "probsEntropy": cat_p.entropy().tolist(),
                    "probsLogProb": cat_p.log_prob(torch.tensor([0, 5, 2])).tolist()},
    "normal": {"loc": loc.tolist(), "scale": scale.tolist(), "x": x.tolist(), "logProb": normal.log_prob(x).tolist(),
               "entropy": normal.entropy().tolist(), "cdf": normal.cdf(x).tolist()},
    "bernoulli": {"logits": bl.tolist(), "values": bv.tolist(), "logProb": bern.log_prob(bv).tolist(), "entropy": bern.entropy().tolist(),
                  "probs": bp.tolist(), "probsValues": bpv.tolist(), "probsLogProb": bern_p.log_prob(bpv).tolist(), "probsEntropy": bern_p.entropy().tolist()},
}

out = {"gymnasium": gym.__version__, "torch": torch.__version__, "classic": classic, "tables": tables, "taxiMasks": taxi_masks,
       "distributions": distributions}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "rl.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {path}: {len(classic)} trajectories, {len(tables)} tables")
