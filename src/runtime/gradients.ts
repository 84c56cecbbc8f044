/**
 * Registers the gradients of tfjs's core ops. tfjs-core's own registration
 * module is ESM that Node cannot load, so we take the umbrella package's CommonJS
 * build, which registers them in the same global registry tfjs-core uses.
 */
import '@tensorflow/tfjs';
