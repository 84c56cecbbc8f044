/**
 * Built-in examples of calm customer-service messages: a problem reported
 * politely (a late parcel, a broken item, a double charge, a locked account)
 * and plain questions about orders, delivery, returns and payment. They teach
 * the scorer that a problem, a product it has never heard of, or "could you
 * check" is not by itself anger or a request for a person. They say nothing
 * about scope — a restaurant bot cannot help with a parcel — so training reads
 * them as "ordinary or off-topic, whichever the bot's own turns make it".
 * The same problems, said angrily or with a request for a person, are what the
 * other built-in examples are written around.
 */
import { sampleMessages, type Template } from './example-templates.ts';

/** Things a shop of any kind sells (so that no product word on its own points to a kind). */
const ITEMS = [
  'jacket', 'coat', 'dress', 'jeans', 'shirt', 'jumper', 'hoodie', 'trainers', 'boots', 'sandals', 'shoes', 'backpack', 'handbag', 'wallet',
  'watch', 'sunglasses', 'scarf', 'hat', 'gloves', 'socks', 'headphones', 'earbuds', 'phone case', 'charger', 'cable', 'speaker', 'laptop stand',
  'keyboard', 'mouse', 'monitor', 'printer', 'camera', 'tablet', 'smart watch', 'kettle', 'toaster', 'blender', 'coffee machine', 'frying pan',
  'mug', 'plates', 'glasses', 'lamp', 'rug', 'curtains', 'duvet', 'pillow', 'towels', 'bedding', 'mirror', 'chair', 'desk', 'shelf', 'sofa',
  'tent', 'sleeping bag', 'water bottle', 'bike lights', 'yoga mat', 'dumbbells', 'shampoo', 'perfume', 'face cream', 'toy', 'board game',
  'puzzle', 'book', 'notebook', 'pens', 'plant pot', 'vacuum cleaner', 'fan', 'heater', 'umbrella', 'suitcase', 'gift card', 'item', 'parcel',
];

const THE = ['the ', 'my ', 'the ', 'my new ', 'the '];

/** What went wrong, said plainly; `0` stands for any number (the scorer reads every number as 0). */
const PROBLEMS: readonly Template[] = [
  [THE, ITEMS, [' arrived ', ' came ', ' was delivered '], ['damaged', 'broken', 'scratched', 'with a crack', 'in the wrong colour', 'in the wrong size', 'without the instructions', 'with a part missing', 'opened', 'wet']],
  [THE, ITEMS, [' does not ', " doesn't ", ' won\'t ', ' will not '], ['work', 'turn on', 'charge', 'fit', 'close properly', 'connect', 'stay on', 'match the picture']],
  [THE, ITEMS, [' stopped working after ', ' broke after '], ['a day', 'two days', 'a week', 'a few uses', 'a month']],
  [['my order ', 'order 0 ', 'my parcel ', 'my delivery ', 'order #0 ', 'the package '], ['has not arrived', "hasn't arrived yet", 'is late', 'was due yesterday', 'was due on friday', 'is missing an item', 'was sent to the wrong address', 'shows as delivered but i do not have it', 'is stuck in transit', 'was returned to you']],
  [['i was charged ', 'i have been charged ', "i've been charged ", 'you charged me '], ['twice', 'twice for order 0', 'the wrong amount', 'for delivery twice', 'for something i cancelled', 'full price instead of the sale price', '0 instead of 0']],
  [['i ', 'i still ', "i'm afraid i "], ["can't log in", 'cannot reset my password', "haven't received my refund", "haven't had the confirmation email", "didn't get an invoice", "can't find my order in my account", 'typed the wrong address', 'ordered the wrong size', 'was sent someone else\'s order']],
  [['my account ', 'the app ', 'the website ', 'the checkout ', 'the discount code ', 'my voucher ', 'the payment page ', 'the tracking link '], ['is locked', 'keeps logging me out', 'shows an error', "isn't working", 'did not apply', 'says it has expired', 'will not load', 'keeps failing']],
  [['the tracking ', 'the tracking number ', 'the delivery status '], ["hasn't changed since ", 'has not updated since ', 'has said the same thing since '], ['monday', 'last week', 'the 0th', 'yesterday', 'four days ago']],
  [['i returned the ', 'i sent back the ', 'i posted the '], ITEMS, [' ', ' two weeks ago ', ' last month ', ' on monday '], ['and have not had the refund', 'but the refund is not showing', 'and heard nothing back', 'but it still says not received']],
];

const ASK = [
  'could you check', 'could you look into it', 'can you help', 'what should i do', 'what are my options', 'can i get a replacement',
  'can i return it', 'can i exchange it', 'is it possible to change it', 'can you tell me the status', 'please advise', 'how do i sort this out',
  'could you check on it please', 'can you let me know what happens next', 'is that normal', 'how long will it take', 'can you resend it',
];

/** Plain questions a customer asks any shop or service. */
const QUESTIONS: readonly Template[] = [
  [['how long does ', 'how long will ', 'when will '], ['delivery', 'my refund', 'an exchange', 'shipping to ireland', 'express delivery', 'order 0', 'the restock'], [' take', ' arrive', ' be processed', '']],
  [['do you ', 'can you '], ['ship to canada', 'deliver on saturdays', 'offer gift wrapping', 'price match', 'have a student discount', 'deliver to a pickup point', 'send a receipt by email'], ['', '?']],
  [['can i ', 'is it possible to ', 'how do i '], ['return ', 'exchange ', 'cancel ', 'track ', 'change the address on ', 'add an item to ', 'pay in instalments for ', 'use two discount codes on '], ['my order', 'the ', 'a sale item', 'order 0', 'an item'], ['', ' '], ['', ...ITEMS.slice(0, 20)]],
  [['is the ', 'are the ', 'do you have the '], ITEMS, [' in stock', ' available in a larger size', ' available in black', ' waterproof', ' machine washable', ' true to size', ' back in stock soon', ' covered by a warranty']],
  [['what is ', "what's "], ['your returns policy', 'the delivery charge', 'the warranty on the ', 'the status of order 0', 'the cheapest delivery option', 'the size guide for the '], ['', ...ITEMS.slice(20, 40)]],
  [['which payment methods do you accept', 'where is my order 0', 'has order 0 shipped yet', 'when does the sale end', 'how do i use a gift card', 'what time do i need to order by for next day delivery']],
];

const GREETING = ['', '', '', 'hi, ', 'hello, ', 'hi there. ', 'good morning, ', 'hey, '];
/** What calm customers add: everyday words that anger templates also use ("once", "happy", "instead") must not read as anger. */
const AFTERTHOUGHT = [
  '', '', '', '', ' no rush', " i'm happy to send it back", ' instead of a refund', ' once it arrives', ' if that is ok', ' just wondering',
  ' kind regards', ' it is not urgent', ' i can send a photo', ' either is fine', ' i would be happy with a replacement', ' i only noticed today',
  ' i used it once', ' i have turned it off and on', ' not sure what happened', ' it happens',
];
const THANKS = ['', '', '', ' thanks', ' thank you', ' many thanks', ' thanks in advance', ' cheers'];

const TEMPLATES: readonly Template[] = [
  ...PROBLEMS.map((p): Template => [GREETING, ...p, ['. ', ', ', ' - '], ASK, ['?', '.', ''], AFTERTHOUGHT, THANKS]),
  ...PROBLEMS.map((p): Template => [GREETING, ...p, ['.', '', '. '], AFTERTHOUGHT]),
  ...QUESTIONS.map((q): Template => [GREETING, ...q, ['?', '', '?'], THANKS]),
];

/** About 1,500 calm customer-service messages. */
export const CALM: readonly string[] = sampleMessages(TEMPLATES, { count: 1500, seed: 31, calm: true });

/** The problems alone, the calm part of an angry message or a request for a person ("the kettle arrived broken"). */
export const PROBLEM_REPORTS: readonly string[] = sampleMessages(PROBLEMS, { count: 600, seed: 32, calm: true });
