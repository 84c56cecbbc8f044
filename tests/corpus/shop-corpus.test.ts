import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { PRODUCTS } from '../../src/corpus/shop/catalog.ts';
import { SHOP_TOPICS, type ShopTopic } from '../../src/corpus/shop/flow.ts';
import { generateShopCorpus, generateTaggedShopCorpus } from '../../src/corpus/shop/generate.ts';
import { shopCorpusStats, toJsonlLine } from '../../src/corpus/shop/stats.ts';

const tagged = generateTaggedShopCorpus({ dialogues: 2000, seed: 1 });
const corpus: Dialogue[] = tagged.map((t) => t.dialogue);
const ORDER_NUMBER = /(?<![\d.])#?(\d{5})(?![\d.])/g;
const EMAIL = /[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]+/g;
const PRODUCT_NAMES = new RegExp(PRODUCTS.map((p) => p.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** What every dialogue of a topic has in its bot turns. */
const BOT_KEYWORDS: Partial<Record<ShopTopic, RegExp>> = {
  orders: /order/i,
  shipping: /ship|deliver/i,
  returns: /return|refund|exchange/i,
  payments: /pay|charge|card|invoice|code|refund/i,
  account: /account|password|email|sign in|unsubscribe/i,
  products: PRODUCT_NAMES,
  complaints: /sorry|apologi/i,
  goodbye: /day|bye|care|good one|welcome|anytime/i,
};

describe('generateShopCorpus', () => {
  it('is deterministic for a seed and differs for another seed', () => {
    const a = generateShopCorpus({ dialogues: 300, seed: 7 });
    const b = generateShopCorpus({ dialogues: 300, seed: 7 });
    const c = generateShopCorpus({ dialogues: 300, seed: 8 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    const same = a.filter((d, i) => JSON.stringify(d.turns) === JSON.stringify(c[i].turns)).length;
    expect(same).toBeLessThan(15);
  });

  it('builds dialogue i from the seed and i alone (a shorter corpus is a prefix)', () => {
    expect(generateShopCorpus({ dialogues: 50, seed: 1 })).toEqual(corpus.slice(0, 50));
  });

  it('marks the requests for a person and the angry openings it writes, so the scorer learns them as such', () => {
    const users = corpus.flatMap((d) => d.turns.filter((t) => t.speaker === 'user'));
    const person = users.filter((t) => t.kind === 'asks-for-person');
    const angry = users.filter((t) => t.kind === 'frustrated');

    expect(person.length).toBeGreaterThan(10);
    expect(angry.length).toBeGreaterThan(10);
    // (a few are typed with typos, as customers do)
    expect(person.filter((t) => /human|person|agent|representative/i.test(t.text)).length).toBeGreaterThan(person.length * 0.9);
    expect(angry.filter((t) => /ridiculous|unhappy|worst|not acceptable|where on earth/i.test(t.text)).length).toBeGreaterThan(angry.length * 0.9);
    // the other turns that name a person or a complaint stay ordinary: asking whether the bot is one, or visiting in person
    expect(users.filter((t) => !t.kind && /are you human|in person/i.test(t.text)).length).toBeGreaterThan(0);
    expect(corpus.flatMap((d) => d.turns).filter((t) => t.speaker !== 'user' && t.kind)).toEqual([]);
  });

  it('numbers the dialogues shop-00001, shop-00002, ...', () => {
    expect(corpus[0].id).toBe('shop-00001');
    expect(corpus[1999].id).toBe('shop-02000');
    expect(new Set(corpus.map((d) => d.id)).size).toBe(corpus.length);
  });

  it('alternates user and bot (an order lookup may come between), starting with the user and ending with a bot statement', () => {
    for (const d of corpus) {
      expect(d.turns.length).toBeGreaterThanOrEqual(2);
      const spoken = d.turns.filter((t) => t.speaker !== 'action');
      spoken.forEach((turn, i) => expect(turn.speaker).toBe(i % 2 === 0 ? 'user' : 'bot'));
      d.turns.forEach((turn, i) => turn.speaker === 'action' && expect(d.turns[i - 1].speaker).toBe('user'));
      expect(d.turns[d.turns.length - 1].speaker).toBe('bot');
      expect(d.turns[d.turns.length - 1].text.endsWith('?')).toBe(false);
    }
  });

  it('has no empty text, unfilled placeholder, stray whitespace or non-ASCII character', () => {
    for (const d of corpus) {
      for (const turn of d.turns) {
        expect(turn.text.trim().length).toBeGreaterThan(0);
        expect(turn.text).toBe(turn.text.trim());
        expect(turn.text).not.toMatch(/[{}]|\s{2}|[^\x20-\x7e]|undefined|NaN/);
      }
    }
  });

  it('varies its wording', () => {
    const stats = shopCorpusStats(tagged);
    expect(stats.distinctUserTurns / stats.userTurns).toBeGreaterThanOrEqual(0.65);
    expect(stats.distinctBotTurns).toBeGreaterThanOrEqual(2500);
    expect(stats.distinctOpenings).toBeGreaterThanOrEqual(1000);
    const lengths = corpus.map((d) => d.turns.length);
    expect(new Set(lengths).size).toBeGreaterThanOrEqual(6);
  });

  it('covers every topic, and each topic shows in its bot replies', () => {
    const stats = shopCorpusStats(tagged);
    for (const topic of SHOP_TOPICS) expect(stats.topics[topic], topic).toBeGreaterThanOrEqual(corpus.length * 0.05);
    for (const t of tagged) {
      const botText = t.dialogue.turns.filter((turn) => turn.speaker === 'bot').map((turn) => turn.text).join('\n');
      for (const topic of t.topics) {
        const keyword = BOT_KEYWORDS[topic];
        if (keyword) expect(botText, `${t.dialogue.id} ${topic}`).toMatch(keyword);
      }
    }
  });

  it('looks up an order number given by the user, and mentions it in the very next bot reply', () => {
    let withNumber = 0;
    for (const d of corpus) {
      d.turns.forEach((turn, i) => {
        if (turn.speaker !== 'user') return;
        for (const [, num] of turn.text.matchAll(ORDER_NUMBER)) {
          withNumber++;
          expect(d.turns[i + 1], `${d.id}: ${turn.text}`).toMatchObject({ speaker: 'action', name: 'order_status', parameters: { order: num } });
          expect(d.turns[i + 2].text, `${d.id}: ${turn.text}`).toContain(`#${num}`);
        }
      });
    }
    expect(withNumber).toBeGreaterThanOrEqual(corpus.length * 0.2);
  });

  it('asks for missing information and uses it afterwards', () => {
    let askedOrder = 0;
    let emailsUsed = 0;
    for (const d of corpus) {
      d.turns.forEach((turn, i) => {
        if (turn.speaker === 'bot' && /order number\b.*\?/i.test(turn.text)) askedOrder++;
        if (turn.speaker !== 'user') return;
        for (const [email] of turn.text.matchAll(EMAIL)) {
          emailsUsed++;
          const later = d.turns.slice(i + 1).filter((t) => t.speaker === 'bot');
          expect(later.some((t) => t.text.includes(email)), `${d.id}: ${email}`).toBe(true);
        }
      });
    }
    expect(askedOrder).toBeGreaterThanOrEqual(corpus.length * 0.15);
    expect(emailsUsed).toBeGreaterThanOrEqual(corpus.length * 0.08);
  });

  it('keeps a 4000-dialogue corpus under 4.5 MB of JSONL (order lookups included)', () => {
    const stats = shopCorpusStats(generateTaggedShopCorpus({ dialogues: 4000, seed: 7 }));
    expect(stats.jsonlBytes).toBeLessThan(4_500_000);
  });

  it('matches the bundled conversations/corpus/shop-support.jsonl (4000 dialogues, seed 7)', () => {
    const file = new URL('../../conversations/corpus/shop-support.jsonl', import.meta.url);
    if (!existsSync(file)) return;
    const expected = generateTaggedShopCorpus({ dialogues: 4000, seed: 7 }).map((t) => toJsonlLine(t) + '\n').join('');
    expect(readFileSync(file, 'utf8') === expected).toBe(true);
  });
});

describe('the bundled demo order backend', () => {
  it('triggers on what the corpus looks up, and answers with the fields the corpus records hold', async () => {
    const { loadActionsFile, matchAction } = await import('../../src/actions/index.ts');
    const { ORDER_NUMBER_PATTERN } = await import('../../src/corpus/shop/actions.ts');
    const file = fileURLToPath(new URL('../../conversations/corpus/shop-actions.json', import.meta.url));
    const { actions } = await loadActionsFile(file);
    const corpusRecords = generateTaggedShopCorpus({ dialogues: 200, seed: 3 }).flatMap((t) => t.dialogue.turns.flatMap((x) => x.results ?? []));
    const corpusKeys = new Set(corpusRecords.flatMap((r) => Object.keys(r)));

    expect(actions.map((a) => a.trigger.pattern?.source)).toEqual([ORDER_NUMBER_PATTERN]);
    const found = matchAction(actions, { text: 'where is my order #48213?', turns: [], conversationId: 'c' })!;
    const records = await found.action.handler(found.parameters, { conversationId: 'c', recentTurns: [], signal: new AbortController().signal });
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0]).filter((k) => !corpusKeys.has(k))).toEqual([]);
    expect(await found.action.handler({ order: '99999' }, { conversationId: 'c', recentTurns: [], signal: new AbortController().signal })).toEqual([]);
  });
});
