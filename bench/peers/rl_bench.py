"""The PyTorch side of bench/rl.ts: a CleanRL-style PPO on Gymnasium's CartPole-v1 with the same
networks and hyper-parameters as tensorgrad's (rl-baselines3-zoo's: 8 environments × 32 steps,
minibatches of 256, 20 epochs, γ 0.98, λ 0.8, learning rate and clip range annealed linearly from
1e-3 and 0.2, separate 64-64 tanh actor and critic with orthogonal initialisation, Adam ε 1e-5,
gradient norm 0.5); and raw CartPole-v1 steps with random actions. Prints one JSON line.

  python rl_bench.py ppo STEPS THREADS | python rl_bench.py env STEPS
"""
import json, sys, time
import numpy as np
import gymnasium as gym


def env_steps(n):
    env = gym.make("CartPole-v1")
    env.reset(seed=0)
    env.action_space.seed(0)
    t = time.perf_counter()
    for _ in range(n):
        _, _, term, trunc, _ = env.step(env.action_space.sample())
        if term or trunc:
            env.reset()
    return {"stepsPerSec": n / (time.perf_counter() - t), "version": gym.__version__}


def ppo(total, threads):
    import torch
    import torch.nn as nn
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    n_envs, n_steps, batch, epochs, gamma, lam, lr0, clip0 = 8, 32, 256, 20, 0.98, 0.8, 1e-3, 0.2

    def layer(i, o, std=np.sqrt(2)):
        l = nn.Linear(i, o)
        nn.init.orthogonal_(l.weight, std)
        nn.init.constant_(l.bias, 0.0)
        return l

    critic = nn.Sequential(layer(4, 64), nn.Tanh(), layer(64, 64), nn.Tanh(), layer(64, 1, 1.0))
    actor = nn.Sequential(layer(4, 64), nn.Tanh(), layer(64, 64), nn.Tanh(), layer(64, 2, 0.01))
    params = list(critic.parameters()) + list(actor.parameters())
    opt = torch.optim.Adam(params, lr=lr0, eps=1e-5)
    envs = gym.vector.SyncVectorEnv([lambda: gym.wrappers.RecordEpisodeStatistics(gym.make("CartPole-v1")) for _ in range(n_envs)],
                                    autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    obs_buf = torch.zeros((n_steps, n_envs, 4)); act_buf = torch.zeros((n_steps, n_envs)); logp_buf = torch.zeros((n_steps, n_envs))
    rew_buf = torch.zeros((n_steps, n_envs)); start_buf = torch.zeros((n_steps, n_envs)); val_buf = torch.zeros((n_steps, n_envs))
    obs, _ = envs.reset(seed=0)
    obs = torch.tensor(obs, dtype=torch.float32)
    starts = torch.ones(n_envs)
    steps, returns = 0, []
    t = time.perf_counter()
    while steps < total:
        frac = 1.0 - steps / total
        for g in opt.param_groups:
            g["lr"] = lr0 * frac
        clip = clip0 * frac
        for s in range(n_steps):
            with torch.no_grad():
                dist = torch.distributions.Categorical(logits=actor(obs))
                a = dist.sample()
                obs_buf[s], act_buf[s], logp_buf[s], val_buf[s], start_buf[s] = obs, a, dist.log_prob(a), critic(obs).squeeze(-1), starts
            nobs, r, term, trunc, info = envs.step(a.numpy())
            r = torch.tensor(r, dtype=torch.float32)
            if "final_obs" in info:
                for i in np.nonzero(trunc & ~term)[0]:
                    with torch.no_grad():
                        r[i] += gamma * critic(torch.tensor(info["final_obs"][i], dtype=torch.float32)).item()
            if "final_info" in info and "episode" in info["final_info"]:
                returns += list(info["final_info"]["episode"]["r"][info["final_info"]["_episode"]])
            rew_buf[s] = r
            obs = torch.tensor(nobs, dtype=torch.float32)
            starts = torch.tensor(term | trunc, dtype=torch.float32)
            steps += n_envs
        with torch.no_grad():
            last_v = critic(obs).squeeze(-1)
            adv = torch.zeros_like(rew_buf); gae = torch.zeros(n_envs)
            for s in reversed(range(n_steps)):
                nonterm = 1.0 - (starts if s == n_steps - 1 else start_buf[s + 1])
                nv = last_v if s == n_steps - 1 else val_buf[s + 1]
                delta = rew_buf[s] + gamma * nv * nonterm - val_buf[s]
                gae = delta + gamma * lam * nonterm * gae
                adv[s] = gae
            ret = adv + val_buf
        b_obs, b_act, b_logp, b_adv, b_ret = obs_buf.reshape(-1, 4), act_buf.reshape(-1), logp_buf.reshape(-1), adv.reshape(-1), ret.reshape(-1)
        n = n_steps * n_envs
        for _ in range(epochs):
            perm = torch.randperm(n)
            for k in range(0, n, batch):
                mb = perm[k:k + batch]
                dist = torch.distributions.Categorical(logits=actor(b_obs[mb]))
                logp = dist.log_prob(b_act[mb])
                ratio = (logp - b_logp[mb]).exp()
                mb_adv = b_adv[mb]
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                pg = -torch.min(mb_adv * ratio, mb_adv * ratio.clamp(1 - clip, 1 + clip)).mean()
                vl = ((critic(b_obs[mb]).squeeze(-1) - b_ret[mb]) ** 2).mean()
                loss = pg + 0.5 * vl - 0.0 * dist.entropy().mean()
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(params, 0.5)
                opt.step()
    secs = time.perf_counter() - t
    last = returns[-100:]
    return {"stepsPerSec": steps / secs, "meanReturn": float(np.mean(last)) if last else None, "version": torch.__version__}


if __name__ == "__main__":
    what, n = sys.argv[1], int(sys.argv[2])
    print(json.dumps(env_steps(n) if what == "env" else ppo(n, int(sys.argv[3]))))
