import { describe, expect, it } from 'vitest';
import { actionTurn } from '../../src/data/action-text.ts';
import type { Turn } from '../../src/data/dialogue.ts';
import { groundingFigures } from '../../src/eval/grounding.ts';

const history: Turn[] = [
  { speaker: 'user', text: 'Find me a table at Sino in San Jose' },
  actionTurn({ name: 'FindRestaurants', parameters: { city: 'San Jose' }, results: [{ restaurant_name: 'Sino', phone_number: '408-247-8880', rating: '4.00' }] }),
];

describe('groundingFigures', () => {
  it('counts replies and references stating facts the context lacks, and the context facts replies repeat', () => {
    const references = ['Sino is at 408-247-8880 and rated 4.00.', 'Sino in San Jose opens at 11:30 am.'];
    const replies = ['Call Sino at 408-247-8880.', 'The number is +1 202-873-4569.'];

    const g = groundingFigures([history, history], replies, references);

    expect(g.unsupported_fact_rate).toBe(0.5); // the invented phone number
    expect(g.reference_unsupported_fact_rate).toBe(0.5); // 11:30 am is in no context
    // informable: 408-247-8880 and 4.00 (first; "Sino" opens the sentence), San Jose (second); the replies state the phone number
    expect(g.inform_recall).toBeCloseTo(1 / 3);
  });

  it('takes the allowlist as support', () => {
    expect(groundingFigures([history], ['Thanks for using Colloquy Eats!'], ['ok'], ['Colloquy Eats']).unsupported_fact_rate).toBe(0);
    expect(groundingFigures([history], ['Thanks for using Colloquy Eats!'], ['ok']).unsupported_fact_rate).toBe(1);
  });
});
