import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import { decodeConsensus, factWorth, rankConsensus, STEERING_BONUS } from '../../src/generation/consensus.ts';
import type { StepDecoder } from '../../src/generation/decoder.ts';
import { resolveGenerateOptions } from '../../src/generation/options.ts';
import type { Turn } from '../../src/data/dialogue.ts';
import { actionTurn } from '../../src/data/action-text.ts';
import { heldFacts } from '../../src/facts/held-facts.ts';
import { LstmGenerator } from '../../src/generation/generator.ts';
import { rehashModel } from '../../src/model/integrity.ts';
import { loadModel, type LoadedModel } from '../../src/model/model-dir.ts';
import { ReplyIndex } from '../../src/retrieval/reply-index.ts';
import { drain, QA, rejectionOf, tempDir, trainTinyModel, user } from '../helpers/tiny.ts';

describe('rankConsensus', () => {
  it('keeps the candidate the others agree with', () => {
    expect(rankConsensus(['hello there', 'your order ships today', 'your order ships on monday', 'the order ships today'], [])[0]).toBe(1);
  });

  it('lets retrieved replies decide between candidates the others do not tell apart', () => {
    const candidates = ['your order ships today', 'your refund takes five days'];
    expect(rankConsensus(candidates, [])[0]).toBe(0); // a tie goes to the first (greedy) candidate
    expect(rankConsensus(candidates, ['refunds take five days', 'your refund is on its way'])[0]).toBe(1);
  });

  it('of candidates that agree about as well, keeps the one that tells more of what the conversation holds; an invented fact earns nothing', () => {
    const lookup: Turn = { speaker: 'action', text: '', name: 'find_flights', parameters: { destination: 'Seattle' }, results: [{ airline: 'Delta Airlines', departure_time: '14:25', price: '85' }] };
    const worth = factWorth([{ speaker: 'user', text: 'flights to seattle?' }, lookup]);
    const candidates = ['there is a delta airlines flight at 2:25 pm .', 'there is a delta airlines flight at 2:25 pm today .', 'there is a delta airlines flight at 2:25 pm for $85 .'];

    expect(rankConsensus(candidates, [])[0]).toBe(1);
    expect(rankConsensus(candidates, [], worth)[0]).toBe(2);
    const invented = ['there is a delta airlines flight at 2:25 pm .', 'there is a delta airlines flight at 2:25 pm today .', 'there is a delta airlines flight at 2:25 pm for $99 .'];
    expect(rankConsensus(invented, [], worth)[0]).toBe(1);
  });

  it('with a fact selection, keeps the candidate stating the fact asked for over one stating more facts', () => {
    const history: Turn[] = [
      { speaker: 'user', text: 'what is the phone number of the dentist?' },
      actionTurn({ name: 'find_dentist', parameters: { city: 'Oakland' }, results: [{ phone: '415-555-0134', street: 'Alder Lane', rating: '4' }] }),
    ];
    const chances: Record<string, number> = { '415-555-0134': 0.9, 'Alder Lane': 0.05, '4': 0.05 };
    const selected = heldFacts(history).map((fact) => ({ fact, chance: chances[fact.text] ?? 0 }));
    const candidates = ['the phone number is 415-555-0134 .', 'they are on Alder Lane , rated 4 .'];

    expect(rankConsensus(candidates, [], factWorth(history))[0]).toBe(1); // two facts held beat one
    expect(rankConsensus(candidates, [], factWorth(history, selected))[0]).toBe(0);
  });

  it('ranks every candidate, best first', () => {
    expect(rankConsensus(['hello there', 'your order ships today', 'the order ships today', 'your order ships on monday'], [])).toEqual([1, 2, 3, 0]);
  });

  it('handles one candidate and empty ones', () => {
    expect(rankConsensus(['only'], ['anything'])[0]).toBe(0);
    expect(rankConsensus(['', 'we open at nine', 'we open at nine .'], [])[0]).toBe(1);
  });
});

describe('steered candidates', () => {
  // A decoder whose every row sees the same logits: a word first, then the end of turn; FACT (a likely fact's slot token) sits just under each, by less than the steering bonus.
  const [EOT, OTHER, FACT] = [0, 2, 3]; // 1: the word
  const first = Float32Array.from([0, 1, -4, 1 - STEERING_BONUS / 2]);
  const later = Float32Array.from([1, -4, -4, 1 - STEERING_BONUS / 2]);
  const decoder = {
    prefill: () => ({ state: [], logits: first }),
    select: () => [],
    step: (_tokens: number[], _state: unknown, rows: number[]) => ({ state: [], logits: rows.map(() => later) }),
  } as unknown as StepDecoder;
  const opts = resolveGenerateOptions({ strategy: 'consensus', candidates: 8, maxTokens: 4, topK: 1 }); // samples as greedy: the choices are plain
  const run = (likelyFacts: number[][]) => decodeConsensus({ decoder, eot: EOT, banned: [OTHER], opts }, [1], { evidence: [], toText: (ids) => ids.join(' '), likelyFacts });

  it('write the likely fact where the model would not, once; the greedy candidate is left alone', async () => {
    const withFact = (rs: Awaited<ReturnType<typeof run>>) => rs.filter((r) => r.ids.includes(FACT)).length;
    expect(withFact(await run([]))).toBe(0);
    const steered = await run([[FACT]]);
    expect(withFact(steered)).toBe(7);
    expect(steered.find((r) => !r.ids.includes(FACT))?.ids).toEqual([1]); // the greedy one
    for (const r of steered) expect(r.ids.filter((id) => id === FACT).length).toBeLessThanOrEqual(1); // pushed until written, not after
  });
});

describe('consensus decoding on a trained model', () => {
  let dir: string;
  let model: LoadedModel;

  beforeAll(async () => {
    dir = await tempDir('consensus');
    await trainTinyModel(path.join(dir, 'm'), 'wasm');
    model = await loadModel(path.join(dir, 'm'));
  }, 400_000);

  afterAll(async () => {
    model?.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('has the reply index of its training split, read on first use', async () => {
    const index = await model.replies?.();
    expect(index?.search(['Where is my order?'])).toEqual(['It ships tomorrow.']);
    expect(await model.replies?.()).toBe(index);
  });

  it('answers as well as greedy, in one piece, the same for the same seed', async () => {
    const generator = new LstmGenerator(model, { strategy: 'consensus' });
    for (const { q, a } of QA.slice(0, 3)) {
      const { pieces, result } = await drain(generator.reply([user(q)]));
      expect(result.text).toBe(a);
      expect(pieces.join('').trim()).toBe(a);
      expect(result.meanLogProb).toBeLessThan(0);
    }
    const again = await Promise.all([1, 1].map((seed) => generator.reply([user('refund?')], { seed, candidates: 6 }).result));
    expect(again[0].text).toBe(again[1].text);
    // the other five candidates come with it, best first, for the fact check to try
    expect(again[0].alternatives).toHaveLength(5);
    expect(again[0].alternatives).toEqual(again[1].alternatives);
    expect(again[0].alternatives!.every((a) => typeof a.text === 'string' && a.meanLogProb < 0)).toBe(true);
    generator.dispose();
  });

  it('weighs the candidates against the replies retrieved for the conversation', async () => {
    const asked: string[][] = [];
    const index = ReplyIndex.build([{ id: 'x', turns: [user('Where is my order?'), { speaker: 'bot', text: 'It ships tomorrow.' }] }]);
    const spy = Object.create(index) as ReplyIndex;
    spy.search = (context, k) => (asked.push([...context]), index.search(context, k));
    const generator = new LstmGenerator({ ...model, replies: async () => spy }, { strategy: 'consensus' });
    const history = [user('Hello'), { speaker: 'bot' as const, text: 'Hi!' }, user('Where is my order?')];
    expect((await generator.reply(history).result).text).toBe('It ships tomorrow.');
    expect(asked).toEqual([['Where is my order?', 'Hi!', 'Hello']]);
    await generator.reply(history, { strategy: 'greedy' }).result;
    expect(asked).toHaveLength(1); // only consensus looks replies up
    generator.dispose();
  });

  it('runs on a model without a reply index (trained before them), agreeing among its candidates only', async () => {
    const copy = path.join(dir, 'copy');
    await fs.cp(path.join(dir, 'm'), copy, { recursive: true });
    await fs.rm(path.join(copy, 'replies.json'));
    await rehashModel(copy); // as its manifest would have been: no reply index listed
    const plain = await loadModel(copy);
    expect(await plain.replies?.()).toBeUndefined();
    const generator = new LstmGenerator(plain, { strategy: 'consensus' });
    expect((await generator.reply([user(QA[0].q)]).result).text).toBe(QA[0].a);
    generator.dispose();
    plain.dispose();
  });

  it('refuses a damaged reply index when a consensus reply needs it, naming the file; other replies go on', async () => {
    const copy = path.join(dir, 'damaged');
    await fs.cp(path.join(dir, 'm'), copy, { recursive: true });
    await fs.writeFile(path.join(copy, 'replies.json'), '{"format": "colloquy-replies", "replies": 3}');
    // with its hash in the manifest, the damage is refused at load already
    expect((await rejectionOf(loadModel(copy))).code).toBe('colloquy_model_hash_mismatch');
    // a manifest from before the hashes: found when a consensus reply needs it
    const manifestFile = path.join(copy, 'manifest.json');
    const { files: _files, ...legacy } = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    await fs.writeFile(manifestFile, JSON.stringify(legacy));
    const damaged = await loadModel(copy);
    const generator = new LstmGenerator(damaged);
    const err = await rejectionOf(generator.reply([user(QA[0].q)], { strategy: 'consensus' }).result);
    expect(isColloquyError(err, 'model_file_corrupt')).toBe(true);
    expect(err.message).toContain(path.join(copy, 'replies.json'));
    expect((await generator.reply([user(QA[0].q)]).result).text).toBe(QA[0].a);
    generator.dispose();
    damaged.dispose();
  });
});
