/**
 * Content selection: which of the facts a conversation holds the next reply
 * states. Learned from a corpus's replies, it must tell the fact the customer
 * asked for from the many a search returned.
 */
import { describe, expect, it } from 'vitest';
import { actionTurn } from '../../src/data/action-text.ts';
import { actionOf as actionOfTurn, type Dialogue, type Turn } from '../../src/data/dialogue.ts';
import { heldFacts } from '../../src/facts/held-facts.ts';
import { FactSelection } from '../../src/facts/selection.ts';

const CITIES = ['Oakland', 'Fresno', 'San Jose', 'Berkeley', 'Palo Alto', 'Sacramento'];
const NAMES = ['Harbor Dental', 'Bright Smile', 'Pacific Teeth', 'Golden Gate Dental', 'Bay Clinic', 'Sunrise Dental'];
const STREETS = ['Alder Lane', 'Birch Road', 'Cedar Avenue', 'Maple Court', 'Willow Way', 'Aspen Drive', 'Laurel Street'];

function search(city: string, i: number): Turn {
  return actionTurn({
    name: 'find_dentist',
    parameters: { city },
    results: [0, 1, 2].map((k) => ({
      name: NAMES[(i + k) % NAMES.length],
      phone: `415-555-${String(1000 + i * 3 + k).padStart(4, '0')}`,
      address: STREETS[(i + k) % STREETS.length],
      rating: String(3 + ((i + k) % 3)),
    })),
  });
}

/** Dialogues where the bot offers the first dentist found, then answers the one detail asked for. */
function corpus(n = 150): Dialogue[] {
  return Array.from({ length: n }, (_, i) => {
    const city = CITIES[i % CITIES.length];
    const lookup = search(city, i);
    const first = lookup.results![0];
    const asked = i % 2 === 0 ? ['phone number', `The phone number is ${first.phone}.`] : ['address', `They are at ${first.address}.`];
    return {
      id: `d${i}`,
      turns: [
        { speaker: 'user', text: `I need a dentist in ${city}.` },
        lookup,
        { speaker: 'bot', text: `${first.name} is a good dentist in ${city}.` },
        { speaker: 'user', text: `What is their ${asked[0]}?` },
        { speaker: 'bot', text: asked[1] },
      ],
    };
  });
}

describe('heldFacts', () => {
  it('gathers the facts of user turns, action parameters and results, one per fact whatever form it was written in', () => {
    const history: Turn[] = [
      { speaker: 'user', text: 'Book a table in Oakland at 2:30 pm.' },
      actionTurn({ name: 'reserve', parameters: { city: 'Oakland', time: '14:30' }, results: [{ restaurant: 'Sino Kitchen', phone: '510-555-0134' }] }),
    ];
    const held = heldFacts(history);
    const texts = held.map((f) => f.text);
    expect(texts).toEqual(expect.arrayContaining(['Oakland', 'Sino Kitchen', '510-555-0134']));
    // the user's "2:30 pm" and the action's "14:30" are one fact
    expect(held.filter((f) => f.keys.includes('t:14:30'))).toHaveLength(1);
    expect(held.filter((f) => f.keys.includes('n:oakland'))).toHaveLength(1);
  });

  it('holds nothing before anything was said', () => {
    expect(heldFacts([])).toEqual([]);
  });
});

describe('FactSelection', () => {
  const train = corpus();
  const selection = FactSelection.learn(train, { bits: 16 });

  function chanceOf(history: Turn[], text: string): number {
    const found = selection.select(history).find((s) => s.fact.text === text);
    if (!found) throw new Error(`${text} is not held`);
    return found.chance;
  }

  it('after a question, gives the fact asked for the highest chance of the search results', () => {
    const lookup = search('Berkeley', 500);
    const first = lookup.results![0];
    const before: Turn[] = [{ speaker: 'user', text: 'I need a dentist in Berkeley.' }, lookup, { speaker: 'bot', text: `${first.name} is a good dentist in Berkeley.` }];
    const phone = [...before, { speaker: 'user' as const, text: 'What is their phone number?' }];
    const address = [...before, { speaker: 'user' as const, text: 'What is their address?' }];
    expect(chanceOf(phone, String(first.phone))).toBeGreaterThan(0.5);
    expect(chanceOf(phone, String(first.address))).toBeLessThan(0.5);
    expect(chanceOf(address, String(first.address))).toBeGreaterThan(0.5);
    expect(chanceOf(address, String(first.phone))).toBeLessThan(0.5);
    // the second record's phone is held too, but is not the one offered
    expect(chanceOf(phone, String(lookup.results![1].phone))).toBeLessThan(chanceOf(phone, String(first.phone)));
  });

  it('right after a search, favours the first record\'s name over the other records\'', () => {
    const lookup = search('Fresno', 700);
    const history: Turn[] = [{ speaker: 'user', text: 'I need a dentist in Fresno.' }, lookup];
    expect(chanceOf(history, String(lookup.results![0].name))).toBeGreaterThan(0.5);
    expect(chanceOf(history, String(lookup.results![2].name))).toBeLessThan(0.5);
  });

  it('reads a field no training reply had by what it shares with known ones, though its own hashes land on learned weights', () => {
    const crowded = FactSelection.learn(train, { bits: 8 });
    const lookup = search('Fresno', 700);
    const renamed = actionTurn({ ...actionOfTurn(lookup)!, results: lookup.results!.map(({ name, ...rest }) => ({ clinic_name: name, ...rest })) });
    const history: Turn[] = [{ speaker: 'user', text: 'I need a dentist in Fresno.' }, renamed];
    const chance = crowded.select(history).find((s) => s.fact.text === String(lookup.results![0].name))!.chance;
    expect(chance).toBeGreaterThan(0.5);
  });

  it('survives its JSON form, and refuses a damaged one', () => {
    const again = FactSelection.fromJSON(JSON.parse(JSON.stringify(selection.toJSON())));
    const history = corpus(1)[0].turns.slice(0, 4);
    expect(again.select(history).map((s) => s.chance)).toEqual(selection.select(history).map((s) => s.chance));
    expect(() => FactSelection.fromJSON({ format: 'colloquy-fact-selection', bits: 16, weights: 'AAAA' })).toThrow(/bytes/);
    expect(() => FactSelection.fromJSON({ weights: [] })).toThrow(/not a/);
  });

  it('reads a selection saved before signed hashing as it was learned: every weight added', () => {
    const { hashing, ...old } = selection.toJSON();
    expect(hashing).toBe('signed');
    const history = corpus(1)[0].turns.slice(0, 4);
    const [fact] = heldFacts(history);
    const weights = FactSelection.fromJSON(old).weights;
    const z = fact.features.reduce((sum, f) => sum + weights[f & (weights.length - 1)], 0);
    expect(FactSelection.fromJSON(old).chance(fact)).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
    expect(selection.chance(fact)).not.toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
  });
});
