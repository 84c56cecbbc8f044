/**
 * The fictional Northwind Goods catalog: every product the corpus mentions,
 * with the facts the bot may state about it. Facts are fixed per product so
 * the bot never contradicts itself across dialogues.
 */

/** A product category; it decides which questions make sense (sizes, warranty...). */
export type Category = 'apparel' | 'footwear' | 'home' | 'kitchen' | 'electronics' | 'outdoor';

/** A question customers ask about one product, with its single consistent answer. */
export interface ProductFact {
  asks: readonly string[];
  answer: string;
}

/** One catalog item. */
export interface Product {
  name: string;
  /** Plural names ("Hiking Boots") take "are" and "them" in templates. */
  plural?: boolean;
  category: Category;
  price: number;
  colors: readonly string[];
  sizes?: readonly string[];
  warranty: string;
  facts: readonly ProductFact[];
}

const CLOTHES = ['XS', 'S', 'M', 'L', 'XL'];
const SHOES = ['7', '8', '9', '10', '11', '12'];
const BEDDING = ['Twin', 'Full', 'Queen', 'King'];

const fact = (asks: readonly string[], answer: string): ProductFact => ({ asks, answer });

/** Every product in the fictional shop. */
export const PRODUCTS: readonly Product[] = [
  { name: 'Harbor Rain Jacket', category: 'apparel', price: 89, colors: ['navy', 'olive', 'red'], sizes: CLOTHES, warranty: 'our 1-year quality guarantee', facts: [
    fact(['Is the {product} waterproof?', 'will the {product} keep me dry in heavy rain?'], 'Yes, the {product} is fully waterproof, with taped seams and a packable hood.'),
    fact(['Can I machine wash the {product}?', 'how do I wash the {product}?'], 'You can machine wash the {product} cold and hang it to dry. Please skip the fabric softener.'),
  ] },
  { name: 'Breeze Linen Shirt', category: 'apparel', price: 45, colors: ['white', 'sand', 'sky blue'], sizes: CLOTHES, warranty: 'our 1-year quality guarantee', facts: [
    fact(['Is the {product} 100% linen?', 'what is the {product} made of?'], 'The {product} is 100% European linen, pre-washed so it barely shrinks.'),
  ] },
  { name: 'Alpine Merino Sweater', category: 'apparel', price: 98, colors: ['charcoal', 'oatmeal', 'forest green'], sizes: CLOTHES, warranty: 'our 1-year quality guarantee', facts: [
    fact(['Is the {product} itchy?', 'is the {product} soft or scratchy?'], 'Not at all. The {product} is made of fine merino wool that is soft enough to wear next to the skin.'),
  ] },
  { name: 'Drift Fleece Hoodie', category: 'apparel', price: 59, colors: ['heather grey', 'black', 'rust'], sizes: CLOTHES, warranty: 'our 1-year quality guarantee', facts: [
    fact(['Does the {product} have pockets?', 'does the {product} have a zip?'], 'The {product} is a pullover with a front kangaroo pocket and a lined hood.'),
  ] },
  { name: 'Canyon Cargo Pants', plural: true, category: 'apparel', price: 64, colors: ['khaki', 'black', 'olive'], sizes: CLOTHES, warranty: 'our 1-year quality guarantee', facts: [
    fact(['Are the {product} stretchy?', 'do the {product} have any stretch?'], 'Yes, the {product} have a little stretch in the fabric, so they are comfortable for hiking and everyday wear.'),
  ] },
  { name: 'Meadow Cotton Dress', category: 'apparel', price: 72, colors: ['sage', 'navy', 'terracotta'], sizes: CLOTHES, warranty: 'our 1-year quality guarantee', facts: [
    fact(['Is the {product} lined?', 'is the {product} see-through?'], 'The {product} is fully lined, so it is not see-through, and it has side pockets.'),
  ] },
  { name: 'Summit Hiking Boots', plural: true, category: 'footwear', price: 139, colors: ['brown', 'slate grey'], sizes: SHOES, warranty: 'a 1-year warranty', facts: [
    fact(['Are the {product} waterproof?', 'can I wear the {product} in snow?'], 'Yes, the {product} have a waterproof membrane and a grippy sole that works well in mud and light snow.'),
    fact(['Do the {product} need breaking in?', 'are the {product} comfortable right away?'], 'The {product} need very little breaking in; most customers wear them on the trail within a few days.'),
  ] },
  { name: 'Cloudstep Running Shoes', plural: true, category: 'footwear', price: 115, colors: ['white', 'black', 'coral'], sizes: SHOES, warranty: 'a 1-year warranty', facts: [
    fact(['Do the {product} come in wide?', 'are the {product} good for wide feet?'], 'Yes, the {product} come in both regular and wide widths.'),
  ] },
  { name: 'Dockside Leather Sneakers', plural: true, category: 'footwear', price: 95, colors: ['white', 'tan', 'navy'], sizes: SHOES, warranty: 'a 1-year warranty', facts: [
    fact(['Are the {product} real leather?', 'what are the {product} made of?'], 'The {product} have full-grain leather uppers and a natural rubber sole.'),
  ] },
  { name: 'Alder Wool Blanket', category: 'home', price: 120, colors: ['cream', 'charcoal', 'rust'], warranty: 'a 1-year warranty', facts: [
    fact(['How big is the {product}?', 'what size is the {product}?'], 'The {product} measures 60 by 80 inches, big enough to cover a queen bed.'),
    fact(['Can I wash the {product}?', 'is the {product} machine washable?'], 'We recommend dry cleaning the {product}, or a gentle hand wash in cold water.'),
  ] },
  { name: 'Lumen Desk Lamp', category: 'home', price: 49, colors: ['black', 'white', 'brass'], warranty: 'a 2-year warranty', facts: [
    fact(['Is the {product} dimmable?', 'can you adjust the brightness of the {product}?'], 'Yes, the {product} has five brightness levels and three color temperatures.'),
    fact(['Does the {product} have a USB port?', 'can I charge my phone with the {product}?'], 'Yes, the {product} has a USB-C port in the base for charging your phone.'),
  ] },
  { name: 'Haven Linen Sheet Set', category: 'home', price: 149, colors: ['white', 'stone', 'blush'], sizes: BEDDING, warranty: 'our 1-year quality guarantee', facts: [
    fact(['How deep are the pockets on the {product}?', 'will the {product} fit a thick mattress?'], 'The fitted sheet in the {product} has 16-inch pockets, so it fits most thick mattresses.'),
  ] },
  { name: 'Fern Ceramic Planter', category: 'home', price: 34, colors: ['white', 'speckled grey', 'sage'], warranty: 'our 1-year quality guarantee', facts: [
    fact(['Does the {product} have a drainage hole?', 'can I use the {product} outdoors?'], 'The {product} has a drainage hole and a matching saucer, and it is fine outdoors as long as it does not freeze.'),
  ] },
  { name: 'Nook Bookshelf', category: 'home', price: 189, colors: ['oak', 'walnut', 'white'], warranty: 'a 2-year warranty', facts: [
    fact(['Does the {product} need assembly?', 'is the {product} hard to put together?'], 'The {product} needs light assembly, about 30 minutes, and all the tools are included.'),
  ] },
  { name: 'Ember Cast Iron Skillet', category: 'kitchen', price: 42, colors: ['black'], warranty: 'a lifetime warranty', facts: [
    fact(['Is the {product} pre-seasoned?', 'do I need to season the {product}?'], 'The {product} comes pre-seasoned, so you can cook with it right away.'),
    fact(['Does the {product} work on induction?', 'can I use the {product} on an induction stove?'], 'Yes, the {product} works on every stovetop, including induction, and in the oven.'),
  ] },
  { name: 'Pike Stoneware Mug Set', category: 'kitchen', price: 36, colors: ['ocean blue', 'white', 'moss'], warranty: 'our 1-year quality guarantee', facts: [
    fact(['Is the {product} dishwasher safe?', 'can the {product} go in the microwave?'], 'The {product} is both dishwasher and microwave safe.'),
  ] },
  { name: 'Brewline Pour-Over Kettle', category: 'kitchen', price: 68, colors: ['matte black', 'stainless steel'], warranty: 'a 2-year warranty', facts: [
    fact(['How much water does the {product} hold?', 'what is the capacity of the {product}?'], 'The {product} holds 1 liter of water.'),
    fact(['Is the {product} electric?', 'does the {product} have temperature control?'], 'Yes, the {product} is electric and lets you set the temperature to the degree.'),
  ] },
  { name: "Orchard Chef's Knife", category: 'kitchen', price: 79, colors: ['steel'], warranty: 'a lifetime warranty', facts: [
    fact(['Can the {product} go in the dishwasher?', 'how do I clean the {product}?'], 'Please hand wash the {product} and dry it right away; the dishwasher dulls the edge.'),
  ] },
  { name: 'Cedar Bluetooth Speaker', category: 'electronics', price: 79, colors: ['charcoal', 'sand', 'teal'], warranty: 'a 2-year warranty', facts: [
    fact(['How long does the battery last on the {product}?', 'what is the battery life of the {product}?'], 'The {product} plays for about 12 hours on a full charge.'),
    fact(['Is the {product} waterproof?', 'can I take the {product} to the pool?'], 'Yes, the {product} is rated IPX7, so it can handle splashes and even a short dunk.'),
  ] },
  { name: 'Pulse Wireless Earbuds', plural: true, category: 'electronics', price: 99, colors: ['black', 'white'], warranty: 'a 2-year warranty', facts: [
    fact(['Do the {product} work with iPhone?', 'will the {product} work with my Android phone?'], 'The {product} work with any Bluetooth device, including iPhone and Android phones.'),
    fact(['What is the battery life of the {product}?', 'how long do the {product} last on a charge?'], 'The {product} last about 6 hours per charge, and about 24 hours with the charging case.'),
  ] },
  { name: 'Beacon Smart Plug', category: 'electronics', price: 29, colors: ['white'], warranty: 'a 2-year warranty', facts: [
    fact(['Does the {product} need a hub?', 'does the {product} work with Alexa?'], 'The {product} needs no hub. It connects to 2.4 GHz Wi-Fi and works with Alexa and Google Home.'),
  ] },
  { name: 'Voyager Power Bank', category: 'electronics', price: 45, colors: ['black', 'blue'], warranty: 'a 2-year warranty', facts: [
    fact(['How many times can the {product} charge my phone?', 'what is the capacity of the {product}?'], 'The {product} holds about three full phone charges and supports fast charging over USB-C.'),
  ] },
  { name: 'Trailhead Backpack', category: 'outdoor', price: 85, colors: ['black', 'forest green', 'orange'], warranty: 'a lifetime warranty', facts: [
    fact(['Will my laptop fit in the {product}?', 'does the {product} have a laptop sleeve?'], 'Yes, the {product} has a padded sleeve that fits laptops up to 15 inches.'),
    fact(['Is the {product} waterproof?', 'what happens if the {product} gets rained on?'], 'The {product} is water-resistant and comes with a rain cover for heavy downpours.'),
  ] },
  { name: 'Basecamp Two-Person Tent', category: 'outdoor', price: 229, colors: ['green', 'grey'], warranty: 'a 2-year warranty', facts: [
    fact(['How heavy is the {product}?', 'is the {product} good for backpacking?'], 'The {product} weighs 4.2 pounds packed, light enough for most backpacking trips.'),
    fact(['Is the {product} easy to set up?', 'how long does it take to pitch the {product}?'], 'Most people pitch the {product} in about 10 minutes; the poles are color-coded.'),
  ] },
  { name: 'Juniper Yoga Mat', category: 'outdoor', price: 55, colors: ['plum', 'sea green', 'black'], warranty: 'our 1-year quality guarantee', facts: [
    fact(['How thick is the {product}?', 'is the {product} non-slip?'], 'The {product} is 5 mm thick with a non-slip natural rubber surface.'),
  ] },
  { name: 'Ridge Insulated Bottle', category: 'outdoor', price: 32, colors: ['navy', 'white', 'sunset orange'], warranty: 'a lifetime warranty', facts: [
    fact(['How long does the {product} keep drinks cold?', 'does the {product} keep coffee hot?'], 'The {product} keeps drinks cold for 24 hours and hot for 12 hours.'),
  ] },
];

/** Every color any product comes in (for "does it come in X?" questions that get a no). */
export const ALL_COLORS: readonly string[] = [...new Set(PRODUCTS.flatMap((p) => p.colors))];
