/**
 * Built-in examples of a customer asking for a person: who they ask for,
 * how they ask (questions, orders, wishes, refusing the bot), short and long.
 */
import { sampleMessages, type Template } from './example-templates.ts';

const WHO = [
  'a human', 'a real human', 'a human being', 'an actual human', 'a person', 'a real person', 'an actual person',
  'an agent', 'a live agent', 'a human agent', 'a real agent', 'a support agent', 'a customer service agent', 'a representative',
  'a rep', 'a customer service rep', 'a sales rep', 'someone', 'somebody', 'someone real', 'somebody real', 'a real someone',
  'someone from support', 'someone from customer service', 'someone on your team', 'a member of your team',
  'a manager', 'your manager', 'a supervisor', 'your supervisor', 'the manager', 'an operator',
  'customer service', 'customer support', 'your support team', 'the support team', 'your customer service team', 'support',
  'a specialist', 'a consultant', 'someone senior', 'a team leader', 'the help desk',
  'a real human being', 'an actual agent', 'someone i can actually talk to', 'a person who can help', 'someone who can help me',
];

const TALK = [
  'talk to ', 'speak to ', 'speak with ', 'chat with ', 'talk with ', 'chat to ', 'be connected to ',
  'be transferred to ', 'be put through to ', 'get hold of ', 'reach ', 'contact ', 'get in touch with ', 'message ', 'call ',
];

const ASK = [
  'can i ', 'could i ', 'may i ', 'i want to ', 'i wanna ', "i'd like to ", 'i would like to ', 'i need to ', 'let me ', 'is it possible to ',
  "i'd rather ", 'i would prefer to ', 'is there a way to ', 'how do i ', 'how can i ', 'i wish to ', 'i demand to ', 'i must ', 'please let me ',
  'can you let me ', 'i just want to ', 'i really need to ', 'i have to ', 'i insist on being able to ', 'where can i ',
];

const HAND_OVER = [
  'get me ', 'connect me to ', 'connect me with ', 'transfer me to ', 'put me through to ', 'put me in touch with ', 'pass me to ',
  'pass me over to ', 'hand me over to ', 'send me to ', 'forward me to ', 'route me to ', 'escalate this to ', 'escalate me to ',
  'hand this over to ', 'pass this to ', 'bring in ', 'find me ', 'give me ', 'i want ', 'i need ', 'i would like ', "i'd like ",
  'can i have ', 'can i get ', 'could i get ', 'can you get me ', 'could you connect me to ', 'can you transfer me to ', 'please get ',
  'i need help from ', 'i want help from ', 'i only want ', 'just get me ',
];

const POLITE = ['', '', '', 'please ', 'hey, ', 'hi, ', 'hello, ', 'excuse me, ', 'ok, ', 'look, ', 'sorry but ', 'honestly ', 'um ', 'right, ', 'yes, '];
const AFTER = [
  '', '', '', '', ' please', ' pls', ' now', ' right now', ' asap', ', not a bot', ' instead of a bot', ', not a machine', ' instead',
  ' thanks', ' today', ' about this', ' about my order', ' about a refund', ' who can help', ', thank you', ', i am not talking to a robot',
  ' please, this bot is not helping', ', you are not helping',
];

const CAN_THEY = [
  'help me', 'call me', 'call me back', 'contact me', 'email me', 'look at this', 'get back to me',
  'handle this', 'sort this out', 'reply to me', 'ring me', 'answer me', 'deal with my case', 'check my case',
];

const NOT_A_BOT = [
  "i don't want to talk to a bot", 'i do not want a chatbot', 'no more bots', 'no bots please', 'stop the bot', "i'm done talking to a machine",
  "you're a bot", 'are you a robot', "i don't want an automated reply", 'not a robot please', 'enough with the bot', 'i am sick of automated answers',
  'this bot cannot help me', 'you are just a program', 'i hate chatbots',
];

const TEMPLATES: readonly Template[] = [
  [POLITE, ASK, TALK, WHO, AFTER],
  [POLITE, ASK, TALK, WHO, AFTER],
  [POLITE, HAND_OVER, WHO, AFTER],
  [POLITE, HAND_OVER, WHO, AFTER],
  [POLITE, ['can ', 'could ', 'would ', 'will '], WHO, [' '], CAN_THEY, AFTER],
  [POLITE, ['please have ', 'have ', 'i want ', 'i would like ', 'get '], WHO, [' '], CAN_THEY, AFTER],
  [POLITE, ['is there ', 'is there any chance of ', 'do you have ', 'are there ', 'have you got '], WHO, ['', ' available', ' around', ' there', ' i can talk to', ' on duty', ' online', ' working today', ' i can speak to'], AFTER],
  [POLITE, NOT_A_BOT, [', ', '. ', ' - ', '! '], HAND_OVER, WHO, AFTER],
  [POLITE, NOT_A_BOT, [', ', '. ', ' - ', '! '], ASK, TALK, WHO, AFTER],
  [WHO, ['', ' please', ' pls', ' now', '!', ' plz', '?', ' now please', ' needed']],
  [['', 'human', 'agent', 'person', 'operator', 'representative', 'manager'], [' ', ', '], ['please', 'pls', 'needed', 'asap', '', 'wanted']],
  [POLITE, ['i need ', 'i want ', 'i need some ', 'i want '], ['human ', 'real ', 'personal ', 'live '], ['help', 'support', 'assistance', 'contact'], AFTER],
  [POLITE, ['which number do i call to ', 'what is the number to ', 'how do i get to ', 'who do i contact to '], TALK, WHO, AFTER],
];

/** About 1,500 requests for a person. */
export const ASKS_FOR_PERSON: readonly string[] = sampleMessages(TEMPLATES, { count: 1500, seed: 11 });
