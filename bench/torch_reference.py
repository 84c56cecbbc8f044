"""PyTorch yardstick for `npm run bench` (optional; never a dependency of Colloquy).

The same model and step as bench/train-speed.ts: Embedding V→E, one LSTM layer
of H units, Dense H→V; B streams of T tokens, every position a target, softmax
cross-entropy, Adam. Also greedy generation at batch 1 with carried (h, c).
Prints one JSON object. Run by bench/run.ts with 1 thread and, for OpenBLAS
0.3.21 on AVX-512 machines, OPENBLAS_CORETYPE=SkylakeX.
"""
import argparse
import json
import statistics
import time

import torch

p = argparse.ArgumentParser()
p.add_argument("--vocab", type=int, default=2000)
p.add_argument("--embed", type=int, default=64)
p.add_argument("--hidden", type=int, default=256)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--seq", type=int, default=32)
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--steps", type=int, default=10)
p.add_argument("--gen-tokens", type=int, default=200)
p.add_argument("--threads", type=int, default=1)
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(a.vocab, a.embed)
        self.lstm = torch.nn.LSTM(a.embed, a.hidden)
        self.out = torch.nn.Linear(a.hidden, a.vocab)

    def forward(self, ids, state=None):
        h, state = self.lstm(self.emb(ids), state)
        return self.out(h), state


model = Model()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randint(4, a.vocab, (a.seq, a.batch))
y = torch.randint(4, a.vocab, (a.seq, a.batch))
state = None


def train_step():
    global state
    logits, (h, c) = model(x, state)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, a.vocab), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    state = (h.detach(), c.detach())


train_step()  # warm-up
train = []
for _ in range(a.rounds):
    t0 = time.perf_counter()
    for _ in range(a.steps):
        train_step()
    train.append(a.steps * a.batch * a.seq / (time.perf_counter() - t0))

gen = []
with torch.no_grad():
    for _ in range(a.rounds):
        logits, st = model(torch.randint(4, a.vocab, (40, 1)))
        tok = int(logits[-1, 0].argmax())
        t0 = time.perf_counter()
        for _ in range(a.gen_tokens):
            logits, st = model(torch.tensor([[tok]]), st)
            tok = int(logits[0, 0].argmax())
        gen.append((time.perf_counter() - t0) * 1000 / a.gen_tokens)

print(json.dumps({
    "train_tok_s": statistics.median(train),
    "gen_ms_per_token": statistics.median(gen),
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
}))
