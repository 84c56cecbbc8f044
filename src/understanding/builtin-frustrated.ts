/**
 * Built-in examples of an angry or frustrated customer: verdicts on the
 * service, how they feel, accusations, exasperated and rhetorical questions,
 * sarcasm, idioms, threats to leave, short outbursts, and all of these beside
 * the problem that caused them.
 */
import { PROBLEM_REPORTS } from './builtin-calm.ts';
import { sampleMessages, type Template } from './example-templates.ts';

const VERDICT = [
  'ridiculous', 'unacceptable', 'outrageous', 'terrible', 'awful', 'horrible', 'dreadful', 'pathetic', 'useless', 'disgraceful', 'shameful',
  'absurd', 'ludicrous', 'shocking', 'atrocious', 'abysmal', 'a joke', 'incompetent', 'unbelievable', 'insane',
  'crap', 'garbage', 'a waste of time', 'frustrating', 'annoying', 'maddening', 'not okay', 'a total failure',
  'so bad', 'the worst', 'an embarrassment', 'a con', 'a rip off', 'lousy', 'a circus', 'painful', 'exhausting', 'beyond belief',
  'a disgrace', 'a scandal', 'a farce', 'a shambles', 'shoddy', 'appalling', 'horrendous', 'diabolical', 'criminal', 'a scam', 'amateurish',
  'a nightmare', 'infuriating', 'beyond a joke', 'a mess', 'a fiasco', 'laughable', 'sloppy', 'rubbish', 'woeful', 'unforgivable', 'insulting',
  'sh*t', 'bs', 'b*llsh*t', 'f***ing ridiculous', 'bloody useless', 'daylight robbery', 'a total rip-off', 'theft', 'a racket', 'junk',
];

const VERY = ['', '', 'so ', 'absolutely ', 'completely ', 'totally ', 'utterly ', 'really ', 'just ', 'truly ', 'frankly ', 'honestly ', 'beyond '];

const THING = [
  'this', 'this service', 'your service', 'your support', 'your delivery', 'your company', 'this company',
  'this shop', 'your website', 'this bot', 'this chat', 'your app', 'your team', 'the whole thing', 'this whole process', 'your courier',
  'your returns process', 'the way you treat customers', 'this experience', 'your store',
];

const FEEL = [
  'angry', 'furious', 'mad', 'upset', 'annoyed', 'frustrated', 'irritated', 'fed up', 'cross', 'outraged', 'unhappy', 'disappointed',
  'exasperated', 'pissed off', 'stressed out', 'at my wits end', 'sick of this', 'tired of this', 'done with you',
  'out of patience', 'really not happy', 'not happy at all', 'appalled', 'so over this', 'livid', 'fuming', 'seething', 'raging',
  'incensed', 'irate', 'beside myself', 'losing my mind', 'losing it', 'at breaking point', 'at the end of my rope', 'disgusted', 'gutted',
  'let down', 'hopping mad', 'wound up', 'sick to death of this', 'boiling', 'steaming', 'distraught', 'demoralised', 'disgruntled',
];

const YOU_DO = [
  'never listen', "don't care", 'never answer', 'lost my parcel again', 'ignore me', 'waste my time',
  'messed up again', "don't know what you're doing", 'keep sending the same answer', 'keep repeating yourself',
  'broke my order again', 'have no idea', 'just make excuses', 'keep lying to me', 'are no help at all',
  'are a joke', 'are useless', 'are incompetent', 'treat customers like dirt', 'are driving me up the wall', 'are driving me crazy',
  'are driving me mad', 'keep fobbing me off', 'are giving me the runaround', 'keep stringing me along', 'should be ashamed of yourselves',
  "clearly don't give a damn", 'took my money and sent nothing', 'never get anything right', "can't even get a simple order right",
  'have ruined my day', 'have wasted hours of my time', 'keep passing the buck', 'hide behind this bot', 'do not deserve my business',
];

const WHO_YOU = ['you ', 'you people ', 'you guys ', 'your company ', 'your staff ', 'this bot ', 'your team ', 'you all '];

const EXASPERATED = [
  'why is this so hard', 'why does this keep happening', 'how many times do i have to ask', 'how many times do i have to explain',
  'why is nobody helping me', 'why can nobody give me a straight answer', 'what is wrong with this company', 'are you serious',
  'are you kidding me', 'is anyone even reading this', 'do you even care', 'how is this possible', 'why do i even bother',
  'what does it take to get a refund', 'how long do i have to wait', 'why is it always me', 'can you not read',
  'who runs this place', 'does anyone there know what they are doing', 'is this some kind of joke', 'are you even trying',
  'what is the point of this chat', 'what is the point of complaining', 'why do you make everything so difficult', 'seriously, again',
];

const ENOUGH = [
  "i've had enough", 'i have had it', "i've waited long enough", 'enough is enough', 'i give up', 'i will never order again',
  "i'm never shopping here again", "i'm going to leave a bad review", 'i will tell everyone', "i'm cancelling everything",
  'i want my money back now', "i'll report you", "i'm taking my business elsewhere", "i'm going to my bank", 'never again',
  'i am sick of waiting', 'i have been waiting for weeks', "this is the last time i'm ordering",
  "i'm going to trading standards", "i'm doing a chargeback", "i'm calling my lawyer", 'this is the last straw', "i'll be posting about this online",
  "i'm telling all my friends to avoid you", 'you have lost a customer', 'consider this my last order',
  'do not buy from here', 'avoid this shop', 'stay away from this company', 'nobody should order from you', 'one star', 'zero stars if i could',
];

const OUTBURST = [
  'ugh', 'argh', 'wow', 'seriously', 'unreal', 'for crying out loud', 'oh my god', 'omg', 'wtf', 'jeez', 'great, just great', 'typical', 'again?', 'brilliant, just brilliant',
  'ffs', 'for f***s sake', 'what the f***', 'what the hell', 'bloody hell', 'damn it', 'sh*t', 'are you f***ing kidding me', 'oh for god\'s sake', 'jesus',
];

const SEP = [', ', '. ', '! ', ' - ', '... ', '!! '];

/** Sarcasm: praise that means the opposite, and what it is about. */
const SARCASM = [
  'thanks for nothing', 'cheers for nothing', 'thanks a lot', 'thanks a bunch', 'great job', 'well done', 'oh great', 'oh wonderful',
  'brilliant', 'fantastic service', 'what a surprise', 'lovely', 'nice one', 'oh perfect', 'amazing, really', 'just what i needed',
];
const SARCASM_ABOUT = [
  '', 'really helpful', 'another useless answer', 'you lost it again', 'that solved nothing', 'another automated reply', 'still no refund',
  "the parcel's gone missing again", 'you ruined it', 'another delay', 'the same message again', 'still nothing', 'not',
];
const HOW_HARD = [
  'how hard can it be to ', 'how difficult is it to ', 'why is it impossible to ', 'why on earth can you not ', 'is it too much to ask to ',
  'why on earth would you ', 'why do you never ',
];
const SIMPLE_TASK = [
  'deliver a parcel', 'send a refund', 'answer an email', 'get this right', 'ship an order on time', 'reply to me', 'charge me once',
  'tell me the truth', 'read my message', 'keep a promise', 'do your job', 'pick up the phone', 'fix one simple problem',
];
const BODY = [
  'my blood is boiling', "i'm so angry i could scream", 'i want to throw my phone', 'i could cry', "i'm pulling my hair out",
  "i'm shaking with anger", 'i am close to tears', "i'm gritting my teeth", 'my head is about to explode',
];
/** "really? still not shipped?!": what has still not happened, or still not come. */
const STILL_OPENER = ['', 'really? ', 'seriously? ', 'honestly? ', 'unreal. ', 'weeks later and '];
const STILL_NOT = ['shipped', 'refunded', 'delivered', 'sorted', 'fixed', 'answered', 'here', 'resolved'];
const STILL_NO = ['refund', 'parcel', 'reply', 'update', 'call back', 'answer', 'tracking', 'apology'];
const STILL_END = ['?!', '??', '?', '!!', ''];

const TEMPLATES: readonly Template[] = [
  [['this is ', "that's ", 'it is ', 'this is ', 'all of this is '], VERY, VERDICT],
  [THING, [' is ', ' has been ', ' is just '], VERY, VERDICT],
  [['what ', 'such '], ['a ', 'an '], ['', 'absolute ', 'total ', 'complete '], ['joke', 'disaster', 'waste of time', 'failure', 'con', 'embarrassment', 'circus', 'rip off']],
  [VERY, VERDICT, ['', ' service', ' company', ' support', ' bot', ' shop', ' experience']],
  [["i'm ", 'i am ', "i'm getting ", 'i feel ', 'i am now ', "i'm starting to get ", 'honestly i am ', 'im '], VERY, FEEL],
  [["i'm ", 'i am '], VERY, FEEL, [' with ', ' about ', ' at '], THING],
  [WHO_YOU, YOU_DO],
  [EXASPERATED, ['', '?', '?!', '??']],
  [ENOUGH],
  [['worst ', 'the worst ', 'what a terrible ', 'what an awful ', 'such a bad ', 'never had such poor '], ['service', 'shop', 'company', 'experience', 'support', 'delivery', 'customer service'], ['', ' ever', ' of my life', ' i have ever had', ' anywhere']],
  [OUTBURST, SEP, ['this is ', "you're ", 'so ', ''], VERY, VERDICT],
  [OUTBURST, SEP, ["i'm ", 'i am '], VERY, FEEL],
  [["i'm ", 'i am '], VERY, FEEL, SEP, ENOUGH],
  [['i am sick of ', "i'm tired of ", "i'm fed up with ", 'i hate ', "i can't stand ", 'i am done with '], ['this', 'waiting', 'your excuses', 'your service', 'this bot', 'being lied to', 'chasing you', 'you', 'this company', 'repeating myself', 'the same useless answers']],
  [['this is the ', 'that is the '], ['second', 'third', 'fourth', 'fifth', 'tenth'], [' time '], ['i have asked', "i've complained", 'this has happened', 'i have written', 'you got it wrong']],
  [SARCASM, SEP, SARCASM_ABOUT],
  [HOW_HARD, SIMPLE_TASK, ['?', '?!', '??', '', '!']],
  [BODY, ['', ' over this', ' right now', ' because of you', ' about this delivery', ' about my refund']],
  [BODY, SEP, ENOUGH],
  [STILL_OPENER, ['still not ', 'yet again not '], STILL_NOT, STILL_END],
  [STILL_OPENER, ['still no ', 'again no ', 'yet again no '], STILL_NO, STILL_END],
  [OUTBURST, SEP, HOW_HARD, SIMPLE_TASK, ['?', '?!']],
  [["i'm ", 'i am '], VERY, FEEL, [' that ', ' because '], ['nobody called me back', 'nobody replies', 'my refund is late', 'you lost my parcel', 'you charged me twice', 'it is late again', 'you ignored me', 'nothing works']],
];

/** About 2,500 angry or frustrated messages. */
export const FRUSTRATED: readonly string[] = sampleMessages(TEMPLATES, { count: 2500, seed: 12, context: PROBLEM_REPORTS });
